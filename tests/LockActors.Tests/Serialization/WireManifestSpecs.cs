using System.Reflection;
using System.Runtime.Serialization;
using Akka.Configuration;
using LockActors.Serialization;
using LockActors.Table.Events;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Serialization;

// Guarantee: no message of the protocol, and no event of the lock table, can be forgotten by the wire
// format. Every public type that implements a marker of the protocol, and every table event, has a manifest, every manifest is bound to the serializer by
// the package's configuration, and bytes the serializer cannot read fail with a clear error.

public sealed class WireManifestSpecs(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(LockActorsSerialization.Configuration), null, output)
{
    private static readonly Type[] Markers = [typeof(ILockRequest), typeof(ILockReply)];

    [Fact]
    public void Every_public_message_type_of_the_protocol_has_a_manifest()
    {
        var messages = typeof(LockManager).Assembly.GetExportedTypes()
            .Where(t => !t.IsInterface && !t.IsAbstract && Markers.Any(marker => marker.IsAssignableFrom(t)))
            .ToList();

        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(t => !WireManifests.ByType.ContainsKey(t)).Select(t => t.Name));
    }

    [Fact]
    public void Every_event_of_the_lock_table_and_its_snapshot_have_a_manifest()
    {
        var events = typeof(LockTableEvent).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(LockTableEvent)))
            .Append(typeof(LockTableSnapshot))
            .ToList();

        Assert.True(events.Count > 1);
        Assert.Empty(events.Where(t => !WireManifests.ByType.ContainsKey(t)).Select(t => t.Name));
    }

    [Fact]
    public void The_records_messages_carry_have_manifests()
    {
        Assert.All(
            [typeof(LockGrant), typeof(LockOptions), typeof(LockHolder), typeof(LockWaiter)],
            type => Assert.True(WireManifests.ByType.ContainsKey(type), type.Name));
    }

    [Fact]
    public void No_two_types_share_a_manifest()
    {
        var duplicates = WireManifests.ByType.GroupBy(p => p.Value).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicates);
    }

    [Fact]
    public void The_configuration_binds_every_type_with_a_manifest_to_the_serializer()
    {
        Assert.All(WireManifests.ByType.Keys, type =>
        {
            var serializer = Sys.Serialization.FindSerializerForType(type);
            Assert.True(serializer is LockProtocolSerializer, $"{type.Name} is bound to {serializer.GetType().Name}");
            Assert.Equal(LockActorsSerialization.SerializerId, serializer.Identifier);
        });
    }

    [Fact]
    public void An_unknown_manifest_fails_with_a_SerializationException_naming_it()
    {
        var serializer = new LockProtocolSerializer((Akka.Actor.ExtendedActorSystem)Sys);

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary([], "ZZ-from-a-later-version"));

        Assert.Contains("\"ZZ-from-a-later-version\"", error.Message);
    }

    [Fact]
    public void Bytes_cut_short_fail_with_a_SerializationException_naming_the_manifest()
    {
        var serializer = new LockProtocolSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var message = new AwaitAll(["a", "b", 3]);
        var bytes = serializer.ToBinary(message);

        var error = Assert.ThrowsAny<SerializationException>(() => serializer.FromBinary(bytes[..^3], serializer.Manifest(message)));

        Assert.Contains("\"AA\"", error.Message);
    }

    [Fact]
    public void A_value_that_is_not_a_message_is_refused_naming_its_type()
    {
        var serializer = new LockProtocolSerializer((Akka.Actor.ExtendedActorSystem)Sys);

        Assert.Contains("System.Uri", Assert.Throws<ArgumentException>(() => serializer.Manifest(new Uri("http://x"))).Message);
        Assert.Contains("System.Uri", Assert.Throws<ArgumentException>(() => serializer.ToBinary(new Uri("http://x"))).Message);
    }

    [Fact]
    public void Every_field_of_every_type_is_known_to_the_wire_format()
    {
        // The public properties of each type the serializer writes (and of the records nested in
        // them), as its field numbers cover them today. A property added to a message fails here
        // until the serializer writes it under a new field number and this list names it.
        var actual = WireManifests.ByType.Keys.Concat([typeof(HotKey), typeof(WaitEdge), typeof(HeldKey)])
            .Select(type => $"{type.Name}: {string.Join(", ", type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(KnownFields, actual);
    }

    private static readonly string[] KnownFields =
    [
        "Await: Key, Options, Owner, Timeout",
        "AwaitAll: Keys, Options, Owner, Timeout",
        "AwaitCancelled: Keys",
        "CancelAwait: Keys, Owner",
        "GaveAway: NewGrant",
        "GetHotKeys: Count",
        "GetMeta: ",
        "GetWaitGraph: MaxEdges",
        "GiveAway: GiftData, Grant, Heir, Owner",
        "Goodbye: Owner",
        "GoodbyeDone: Keys",
        "GrantGivenAway: FencingToken, From, IsMulti, Keys, Mode, Permits, To",
        "HeldKey: Capacity, FencingToken, GrantKeys, Key, Label, Mode, Owner, Permits",
        "HotKey: Key, LongestWait, Waiters",
        "HotKeys: ByLongestWait, ByWaiters",
        "Inspect: Key",
        "KeyOwner: Key, Owner",
        "KeyStatus: Capacity, FencingToken, Holders, Key, Owner, PermitsHeld, Queue, Waiters",
        "ListLocks: After, KeyPrefix, PageSize",
        "LockAcquired: Grant",
        "LockBusy: Key, Owner, OwnerLabel",
        "LockEventBatch: Events",
        "LockGrant: FencingToken, IsMulti, Key, Keys, Metadata, Mode, Owner, Permits",
        "LockGranted: Capacity, FencingToken, IsMulti, Keys, Label, Metadata, Mode, Owner, Permits",
        "LockHolder: FencingToken, Label, Mode, Owner, Permits",
        "LockList: Keys, KeysInUse, NextCursor",
        "LockLost: Grant, Message",
        "LockOptions: Capacity, Label, Mode, Permits, Priority, Timeout",
        "LockRefused: Cause, Key, Message",
        "LockReleased: Keys, Owner",
        "LockTableSnapshot: Holdings, LastToken, Waits",
        "LockTimedOut: Keys",
        "LockTransferred: From, GiftData, Grant",
        "LockWaiter: Keys, Label, Mode, Owner, Permits, Priority",
        "ManagerMeta: Metadata",
        "NoOwner: Key",
        "OwnerGone: Owner, Terminated",
        "Release: Grant, Owner",
        "ReleaseFailed: Cause, CurrentOwner, Key",
        "ReleaseKeys: Keys, Owner",
        "Released: Keys",
        "SendToOwner: Key, Message",
        "TryLock: Key, Options, Owner",
        "WaitEdge: Holder, HolderLabel, Key, Waiter, WaiterLabel",
        "WaitEnded: FirstKey, Owner, Position, Reason",
        "WaitGraph: Edges, Truncated",
        "WaitQueued: Capacity, DeadlineUtcTicks, IsMulti, Keys, Label, Mode, Owner, Permits, Priority, QueuedUtcTicks, ReplyTo",
        "WhereIs: Key",
    ];
}
