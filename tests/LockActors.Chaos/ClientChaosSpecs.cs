using Xunit;
using Xunit.Abstractions;

namespace LockActors.Chaos;

/// <summary>One chaos run of <see cref="LockClient"/> callers with a given mix, shared by the specs of one class.</summary>
public abstract class ClientChaosFixture : IAsyncLifetime
{
    private const long ClientOperations = 60_000;

    internal ClientChaosReport Report { get; private set; } = null!;

    internal abstract ClientChaosMix Mix { get; }

    public async Task InitializeAsync() =>
        Report = await ClientChaosRun.RunAsync(ChaosSettings.FromEnvironment(ClientOperations) with { Owners = 24 }, Mix);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Why the run broke a guarantee, or null when it kept them all.</summary>
    internal string? Failure()
    {
        var run = Report;
        var failures = new[]
        {
            run.Finished ? null : "callers still running at the deadline",
            run.NeverEnded == 0 ? null : $"{run.NeverEnded} calls did not end within their bound",
            run.Unexpected == 0 ? null : $"{run.Unexpected} calls ended in an undocumented way",
            run.Recorder.ViolationCount == 0 ? null : $"{run.Recorder.ViolationCount} exclusion or fencing violations",
            run.KeysNotFree.Count == 0 ? null : $"{run.KeysNotFree.Count} keys still held or waited for",
            run.Errors.Count == 0 ? null : $"{run.Errors.Count} errors logged",
        }.OfType<string>().ToList();
        return failures.Count == 0 ? null : string.Join("; ", failures) + "\n" + run;
    }
}

/// <summary>Shared clients whose handles each have an owner of their own, one with a 50 ms request timeout.</summary>
public sealed class OwnerPerHandleFixture : ClientChaosFixture
{
    internal override ClientChaosMix Mix => new(ShortRequestTimeout: TimeSpan.FromMilliseconds(50), CancelPercent: 0, ExplicitOwners: false);
}

/// <summary>A client per caller, with an actor as the owner of its locks, and random cancellations.</summary>
public sealed class ExplicitOwnerFixture : ClientChaosFixture
{
    internal override ClientChaosMix Mix => new(ShortRequestTimeout: null, CancelPercent: 30, ExplicitOwners: true);
}

/// <summary>Random cancellations on shared clients whose handles each have an owner of their own.</summary>
public sealed class OwnerPerHandleCancellationFixture : ClientChaosFixture
{
    internal override ClientChaosMix Mix => new(ShortRequestTimeout: TimeSpan.FromMilliseconds(50), CancelPercent: 30, ExplicitOwners: false);
}

/// <summary>A 50 ms request timeout on clients whose locks an explicit actor owns, so releases time out and are retried.</summary>
public sealed class ExplicitOwnerShortTimeoutFixture : ClientChaosFixture
{
    internal override ClientChaosMix Mix => new(ShortRequestTimeout: TimeSpan.FromMilliseconds(50), CancelPercent: 30, ExplicitOwners: true);
}

// Guarantees of LockClient under chaos: callers try-lock, wait and wait for several keys in every
// mode, hold each handle briefly and end it by release, disposal or give-away (to a live and to a
// dead actor), while the manager restarts. Every call ends within a bound and in a documented way,
// exclusion holds, and once every handle is disposed no key is held or waited for.
public abstract class ClientChaosSpecs<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : ClientChaosFixture
{
    private ClientChaosReport Run
    {
        get
        {
            output.WriteLine(fixture.Report.ToString());
            return fixture.Report;
        }
    }

    [Fact]
    public void Every_call_ends_within_its_bound()
    {
        var run = Run;
        Assert.True(run.Finished, "callers still running at the deadline");
        Assert.True(run.NeverEnded == 0, string.Join("\n", run.Samples));
    }

    [Fact]
    public void Every_call_ends_in_a_documented_way()
    {
        var run = Run;
        Assert.True(run.Unexpected == 0, string.Join("\n", run.Samples));
    }

    [Fact]
    public void No_mode_exclusion_is_violated_outside_the_windows_a_manager_restart_allows()
    {
        var run = Run;
        Assert.True(run.Recorder.Entries > 0);
        Assert.True(run.Recorder.ViolationCount == 0, string.Join("\n", run.Recorder.Violations));
    }

    [Fact]
    public void No_grant_outlives_the_calls_once_every_handle_is_disposed()
    {
        var run = Run;
        Assert.True(run.KeysNotFree.Count == 0, string.Join("\n", run.KeysNotFree));
    }

    [Fact]
    public void The_manager_logs_no_error_that_chaos_does_not_explain()
    {
        var run = Run;
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors));
    }
}

public sealed class OwnerPerHandleClientChaosSpecs(OwnerPerHandleFixture fixture, ITestOutputHelper output)
    : ClientChaosSpecs<OwnerPerHandleFixture>(fixture, output);

public sealed class ExplicitOwnerClientChaosSpecs(ExplicitOwnerFixture fixture, ITestOutputHelper output)
    : ClientChaosSpecs<ExplicitOwnerFixture>(fixture, output);

// Two more mixes: one owner per handle under random cancellations, and an explicit owner whose
// requests often outlive a short request timeout (releases and give-aways retried after it).
public sealed class ClientChaosMixSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Cancellations_on_owners_per_handle_keep_every_guarantee() =>
        await AssertKept(new OwnerPerHandleCancellationFixture());

    [Fact]
    public async Task Short_request_timeouts_with_an_explicit_owner_keep_every_guarantee() =>
        await AssertKept(new ExplicitOwnerShortTimeoutFixture());

    private async Task AssertKept(ClientChaosFixture fixture)
    {
        await fixture.InitializeAsync();
        output.WriteLine(fixture.Report.ToString());
        Assert.Null(fixture.Failure());
    }
}
