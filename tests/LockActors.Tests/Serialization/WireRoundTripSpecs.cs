using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using LockActors.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Serialization;

// Guarantee: every message of the protocol, and every record it carries, comes back from the wire
// format equal to what was written, with every key kind, null where a field may be null (and where
// a malformed request has it), and key lists from empty to large. Fields a later version adds are
// skipped by this one.

public sealed class WireRoundTripSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Akka.Configuration.Config Bound = Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")
        .WithFallback(LockActorsSerialization.Configuration);

    private readonly MessageGen _gen;

    public WireRoundTripSpecs(ITestOutputHelper output)
        : base(Bound, null, output)
    {
        _gen = new MessageGen([TestActor, CreateTestProbe().Ref, Sys.ActorOf(Props.Empty, "some-owner")]);
    }

    [Property(MaxTest = 400)]
    public Property Every_message_comes_back_equal_whatever_its_keys() =>
        Prop.ForAll(_gen.Message.ToArbitrary(), message => WireAssert.Same(message, RoundTrip(message)));

    [Fact]
    public void The_generated_messages_cover_every_type_the_serializer_writes()
    {
        var seen = Gen.Sample(_gen.Message, 3_000)
            .Select(message => message.GetType())
            .ToHashSet();

        Assert.Empty(WireManifests.ByType.Keys.Where(type => !seen.Contains(type)).Select(type => type.Name));
    }

    [Fact]
    public void A_single_key_grant_from_a_collection_expression_comes_back_with_one_key()
    {
        IReadOnlyList<object> keys = ["printer"];
        var grant = new LockGrant(keys, false, TestActor, 42, null);

        var back = (Release)RoundTrip(new Release(grant));

        Assert.Equal(["printer"], back.Grant.Keys);
        Assert.Equal(grant, back.Grant);
    }

    [Fact]
    public void Keys_typed_as_object_come_back_with_their_own_type()
    {
        var guid = Guid.NewGuid();
        var back = (AwaitAll)RoundTrip(new AwaitAll(["a", 7, 7L, guid, new OrderKey("eu", 7)]));

        Assert.Equal(["a", 7, 7L, guid, new OrderKey("eu", 7)], back.Keys);
        Assert.Equal([typeof(string), typeof(int), typeof(long), typeof(Guid), typeof(OrderKey)], back.Keys.Select(k => k.GetType()));
    }

    [Fact]
    public void A_malformed_request_comes_back_as_malformed_so_the_manager_can_refuse_it()
    {
        var back = (TryLock)RoundTrip(new TryLock(null!) { Options = null! });
        Assert.Null(back.Key);
        Assert.Null(back.Options);

        var release = (Release)RoundTrip(new Release(null!));
        Assert.Null(release.Grant);

        var withNullKey = (AwaitAll)RoundTrip(new AwaitAll(["a", null!]));
        Assert.Equal(["a", null!], withNullKey.Keys);
    }

    [Fact]
    public void A_plain_try_lock_takes_a_few_bytes()
    {
        var bytes = Sys.Serialization.FindSerializerFor(new TryLock("printer")).ToBinary(new TryLock("printer"));

        // value group (start, tag, length, 7 characters, end) and an empty options group
        Assert.Equal(13, bytes.Length);
    }

    [Fact]
    public void Fields_a_later_version_adds_are_skipped()
    {
        var message = new Await("k", TimeSpan.FromSeconds(2)) { Options = LockOptions.Shared };
        var serializer = (LockProtocolSerializer)Sys.Serialization.FindSerializerFor(message);
        var later = serializer.ToBinary(message).Concat(UnknownFields()).ToArray();

        WireAssert.Same(message, serializer.FromBinary(later, serializer.Manifest(message)));
    }

    [Fact]
    public void Fields_a_later_version_adds_inside_a_nested_record_are_skipped()
    {
        var serializer = (LockProtocolSerializer)Sys.Serialization.FindSerializerFor(LockOptions.Shared);

        // Await { 1 key "k", 4 options { 1 mode Shared, 9 a later field } }
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.StartGroup);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("k");
        output.WriteTag(1, WireFormat.WireType.EndGroup);
        output.WriteTag(4, WireFormat.WireType.StartGroup);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteSInt32((int)LockMode.Shared);
        WriteUnknownFields(output);
        output.WriteTag(4, WireFormat.WireType.EndGroup);
        output.Flush();

        var back = (Await)serializer.FromBinary(buffer.ToArray(), serializer.Manifest(new Await("k")));

        WireAssert.Same(new Await("k") { Options = LockOptions.Shared }, back);
    }

    private static byte[] UnknownFields()
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        WriteUnknownFields(output);
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>A varint, a string and a group under field numbers no record uses.</summary>
    private static void WriteUnknownFields(CodedOutputStream output)
    {
        output.WriteTag(90, WireFormat.WireType.Varint);
        output.WriteInt64(123_456_789);
        output.WriteTag(91, WireFormat.WireType.LengthDelimited);
        output.WriteString("later");
        output.WriteTag(92, WireFormat.WireType.StartGroup);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32(1);
        output.WriteTag(92, WireFormat.WireType.EndGroup);
    }

    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<LockProtocolSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        return Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }
}
