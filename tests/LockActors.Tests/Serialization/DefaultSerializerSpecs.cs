using System.Reflection;
using Akka.TestKit;
using LockActors.Serialization;
using LockActors.Tests.Actor;
using LockActors.Tests.Remote;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LockActors.Tests.Serialization;

// Guarantee: every message of the protocol also survives Akka's default JSON serializer, so a system
// that never binds the package's wire format works across nodes too. The actor and remote specs run
// over the wire format (LockSpecBase and TwoNodeSpecBase bind it); here each of them runs once more
// over JSON, in the same assembly, so a spec added later is rerun without being listed anywhere.

/// <summary>Every actor and remote spec, run once more with Akka's default serializer instead of the wire format.</summary>
public abstract class DefaultSerializerSpecs(ITestOutputHelper output)
{
    /// <summary>Specs that pass <c>serializeMessages: false</c> (they test the manager, not the wire): rerunning them would repeat them unchanged.</summary>
    private static readonly HashSet<string> NotSerializing =
        ["KeyEqualitySpecs", "MisbehavingKeySpecs", "MisbehavingReferenceSpecs"];

    /// <summary>
    /// Every test case of the specs deriving from <paramref name="specBase"/>, as "Class.Method#row"
    /// (the index of its data row, 0 for a fact), in share <paramref name="share"/> of <paramref name="shares"/>.
    /// </summary>
    protected static IEnumerable<object[]> Share(Type specBase, int share, int shares) =>
        typeof(LockSpecBase).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(specBase) && !t.IsAbstract && !NotSerializing.Contains(t.Name))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<FactAttribute>() is { Skip: null })
                .SelectMany(m => Enumerable.Range(0, Rows(m).Count).Select(row => $"{t.Name}.{m.Name}#{row}")))
            .Order(StringComparer.Ordinal)
            .Where((_, index) => index % shares == share)
            .Select(name => new object[] { name });

    /// <summary>Creates the spec over JSON, runs the one test case named by <paramref name="testCase"/> and disposes the spec.</summary>
    protected async Task Run(string testCase)
    {
        var hash = testCase.LastIndexOf('#');
        var row = int.Parse(testCase[(hash + 1)..]);
        var dot = testCase.IndexOf('.');
        var type = typeof(LockSpecBase).Assembly.GetTypes().Single(t => t.Name == testCase[..dot] && !t.IsAbstract);
        var method = type.GetMethod(testCase[(dot + 1)..hash], BindingFlags.Public | BindingFlags.Instance)!;
        var arguments = Rows(method)[row];

        SpecWire.OverAkkaDefaultSerializer.Value = true;
        var spec = type.GetConstructor([typeof(ITestOutputHelper)]) is not null
            ? Activator.CreateInstance(type, output)!
            : Activator.CreateInstance(type)!;
        SpecWire.OverAkkaDefaultSerializer.Value = false;
        try
        {
            Assert.True(spec is not LockSpecBase { SerializesMessages: false }, $"{type.Name} does not serialize its messages: add it to {nameof(NotSerializing)}.");
            Assert.IsNotType<LockProtocolSerializer>(((TestKitBase)spec).Sys.Serialization.FindSerializerForType(typeof(TryLock)));
            var result = method.Invoke(spec, BindingFlags.DoNotWrapExceptions, null, arguments, null);
            if (result is Task task)
            {
                await task;
            }
        }
        finally
        {
            ((IDisposable)spec).Dispose();
        }
    }

    private static IReadOnlyList<object?[]> Rows(MethodInfo method)
    {
        var data = method.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(method)).ToList();
        return data.Count > 0 ? data : [[]];
    }
}

// The actor specs are spread over three classes, so xunit runs them side by side; the remote specs
// keep to their collection and run one at a time, as they do over the wire format.

/// <summary>The first share of the actor specs over Akka's default serializer.</summary>
public sealed class DefaultSerializerActorSpecs0(ITestOutputHelper output) : DefaultSerializerSpecs(output)
{
    /// <summary>This share's test cases.</summary>
    public static IEnumerable<object[]> Cases => Share(typeof(LockSpecBase), 0, 3);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task The_actor_spec_passes_over_Akkas_default_serializer(string testCase) => Run(testCase);
}

/// <summary>The second share of the actor specs over Akka's default serializer.</summary>
public sealed class DefaultSerializerActorSpecs1(ITestOutputHelper output) : DefaultSerializerSpecs(output)
{
    /// <summary>This share's test cases.</summary>
    public static IEnumerable<object[]> Cases => Share(typeof(LockSpecBase), 1, 3);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task The_actor_spec_passes_over_Akkas_default_serializer(string testCase) => Run(testCase);
}

/// <summary>The third share of the actor specs over Akka's default serializer.</summary>
public sealed class DefaultSerializerActorSpecs2(ITestOutputHelper output) : DefaultSerializerSpecs(output)
{
    /// <summary>This share's test cases.</summary>
    public static IEnumerable<object[]> Cases => Share(typeof(LockSpecBase), 2, 3);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task The_actor_spec_passes_over_Akkas_default_serializer(string testCase) => Run(testCase);
}

/// <summary>The remote specs over Akka's default serializer, in the remote specs' collection.</summary>
[Collection(TwoNodeSpecBase.Collection)]
public sealed class DefaultSerializerRemoteSpecs(ITestOutputHelper output) : DefaultSerializerSpecs(output)
{
    /// <summary>Every remote test case.</summary>
    public static IEnumerable<object[]> Cases => Share(typeof(TwoNodeSpecBase), 0, 1);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task The_remote_spec_passes_over_Akkas_default_serializer(string testCase) => Run(testCase);
}
