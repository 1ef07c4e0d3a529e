using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using LockActors.Table.Events;

namespace LockActors.Serialization;

/// <summary>
/// Akka.NET serializer for every message of the lock manager's protocol (requests, replies and
/// notifications, <see cref="KeyStatus"/>) and the records they carry (<see cref="LockGrant"/>,
/// <see cref="LockOptions"/>, <see cref="LockHolder"/>, <see cref="LockWaiter"/>), and for the lock
/// table's events and snapshots that an event-sourced manager's journal stores. Bind it with
/// <see cref="LockActorsSerialization.Configuration"/>; <c>WithLockManager</c> of the hosting package
/// binds it for you.
/// </summary>
/// <remarks>
/// <para>The format is the protocol-buffers wire format (written with Google.Protobuf's coded
/// streams), one record per message under a short string manifest per type. Fields at their default
/// are left out, and unknown fields are skipped, so a field added later does not break an older
/// reader.</para>
/// <para>The overview queries and their answers (<see cref="ListLocks"/>, <see cref="GetHotKeys"/>,
/// <see cref="GetWaitGraph"/>) are covered too, so a dashboard can ask a manager on another node.</para>
/// <para>Keys and other values (gift data, metadata, a forwarded message): strings, <c>int</c>,
/// <c>long</c> and <see cref="Guid"/> are written natively and come back as the same type; any other
/// value is written by the Akka serializer bound to its type, with that serializer's id and
/// manifest, so it must be serializable by the actor system that reads it. Actor references are
/// written as <see cref="Akka.Serialization.Serialization.SerializedActorPath"/> gives them, with
/// the address the current transport asks for, and resolved by the reading system's provider.</para>
/// <para>Null where the protocol allows it (an owner, a key list of <see cref="CancelAwait"/>, a
/// key's owner) and null where it does not (a malformed request's key, grant or options) both come
/// back as null, so a malformed request still reaches the manager to be refused.</para>
/// </remarks>
public sealed partial class LockProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>Creates the serializer; Akka calls this when it first serializes a bound type.</summary>
    /// <param name="system">The actor system the serializer belongs to.</param>
    public LockProtocolSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <summary>The serializer's id, <see cref="LockActorsSerialization.SerializerId"/>, written beside every message.</summary>
    public override int Identifier => LockActorsSerialization.SerializerId;

    /// <summary>The short manifest of <paramref name="o"/>'s type, for example <c>"TL"</c> for <see cref="TryLock"/>.</summary>
    /// <param name="o">A message of the protocol or a record it carries.</param>
    /// <returns>The manifest; it never changes for a type.</returns>
    /// <exception cref="ArgumentException"><paramref name="o"/> is not of a type this serializer writes; the message names the type.</exception>
    public override string Manifest(object o) =>
        WireManifests.ByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw NotMine(o);

    /// <summary>Writes <paramref name="obj"/> in the wire format.</summary>
    /// <param name="obj">A message of the protocol or a record it carries.</param>
    /// <returns>The bytes; read them back with <see cref="FromBinary"/> and the manifest of <paramref name="obj"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not of a type this serializer writes.</exception>
    /// <remarks>A key or value of another type is serialized with the serializer Akka binds to it; what that throws is passed on.</remarks>
    public override byte[] ToBinary(object obj) => obj switch
    {
        TryLock m => WireWriter.Write(system, m, Write),
        Await m => WireWriter.Write(system, m, Write),
        AwaitAll m => WireWriter.Write(system, m, Write),
        Release m => WireWriter.Write(system, m, Write),
        ReleaseKeys m => WireWriter.Write(system, m, Write),
        Goodbye m => WireWriter.Write(system, m, Write),
        GiveAway m => WireWriter.Write(system, m, Write),
        CancelAwait m => WireWriter.Write(system, m, Write),
        WhereIs m => WireWriter.Write(system, m, Write),
        SendToOwner m => WireWriter.Write(system, m, Write),
        GetMeta => [],
        Inspect m => WireWriter.Write(system, m, Write),
        LockAcquired m => WireWriter.Write(system, m, Write),
        LockBusy m => WireWriter.Write(system, m, Write),
        LockTimedOut m => WireWriter.Write(system, m, Write),
        LockRefused m => WireWriter.Write(system, m, Write),
        AwaitCancelled m => WireWriter.Write(system, m, Write),
        Released m => WireWriter.Write(system, m, Write),
        ReleaseFailed m => WireWriter.Write(system, m, Write),
        GoodbyeDone m => WireWriter.Write(system, m, Write),
        GaveAway m => WireWriter.Write(system, m, Write),
        LockTransferred m => WireWriter.Write(system, m, Write),
        KeyOwner m => WireWriter.Write(system, m, Write),
        NoOwner m => WireWriter.Write(system, m, Write),
        ManagerMeta m => WireWriter.Write(system, m, Write),
        LockLost m => WireWriter.Write(system, m, Write),
        KeyStatus m => WireWriter.Write(system, m, Write),
        ListLocks m => WireWriter.Write(system, m, Write),
        LockList m => WireWriter.Write(system, m, Write),
        GetHotKeys m => WireWriter.Write(system, m, Write),
        HotKeys m => WireWriter.Write(system, m, Write),
        GetWaitGraph m => WireWriter.Write(system, m, Write),
        WaitGraph m => WireWriter.Write(system, m, Write),
        LockGrant m => WireWriter.Write(system, m, static (w, g) => w.LockGrantFields(g)),
        LockOptions m => WireWriter.Write(system, m, static (w, o) => w.LockOptionsFields(o)),
        LockHolder m => WireWriter.Write(system, m, static (w, h) => w.LockHolderFields(h)),
        LockWaiter m => WireWriter.Write(system, m, static (w, h) => w.LockWaiterFields(h)),
        LockGranted e => WireWriter.Write(system, e, Write),
        LockReleased e => WireWriter.Write(system, e, Write),
        GrantGivenAway e => WireWriter.Write(system, e, Write),
        OwnerGone e => WireWriter.Write(system, e, Write),
        WaitQueued e => WireWriter.Write(system, e, Write),
        WaitEnded e => WireWriter.Write(system, e, Write),
        LockTableSnapshot s => WireWriter.Write(system, s, Write),
        LockEventBatch b => WireWriter.Write(system, b, Write),
        _ => throw NotMine(obj),
    };

    /// <summary>Reads a message written by <see cref="ToBinary"/>.</summary>
    /// <param name="bytes">The bytes written.</param>
    /// <param name="manifest">The manifest written with them.</param>
    /// <returns>The message, equal to the one written.</returns>
    /// <exception cref="SerializationException">
    /// The manifest is not one of this serializer's (the message names it: the bytes come from a newer
    /// version or another serializer), or the bytes are not a valid record of that type.
    /// </exception>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        var reader = new WireReader(bytes, system);
        object? message;
        try
        {
            message = manifest switch
            {
                WireManifests.TryLock => ReadTryLock(reader),
                WireManifests.Await => ReadAwait(reader),
                WireManifests.AwaitAll => ReadAwaitAll(reader),
                WireManifests.Release => ReadRelease(reader),
                WireManifests.ReleaseKeys => ReadReleaseKeys(reader),
                WireManifests.Goodbye => ReadGoodbye(reader),
                WireManifests.GiveAway => ReadGiveAway(reader),
                WireManifests.CancelAwait => ReadCancelAwait(reader),
                WireManifests.WhereIs => new WhereIs(ReadKeyOnly(reader)!),
                WireManifests.SendToOwner => ReadSendToOwner(reader),
                WireManifests.GetMeta => GetMeta.Instance,
                WireManifests.Inspect => new Inspect(ReadKeyOnly(reader)!),
                WireManifests.LockAcquired => new LockAcquired(ReadGrantOnly(reader)!),
                WireManifests.LockBusy => ReadLockBusy(reader),
                WireManifests.LockTimedOut => new LockTimedOut(ReadKeysOnly(reader)!),
                WireManifests.LockRefused => ReadLockRefused(reader),
                WireManifests.AwaitCancelled => new AwaitCancelled(ReadKeysOnly(reader)!),
                WireManifests.Released => new Released(ReadKeysOnly(reader)!),
                WireManifests.ReleaseFailed => ReadReleaseFailed(reader),
                WireManifests.GoodbyeDone => new GoodbyeDone(ReadKeysOnly(reader)!),
                WireManifests.GaveAway => new GaveAway(ReadGrantOnly(reader)!),
                WireManifests.LockTransferred => ReadLockTransferred(reader),
                WireManifests.KeyOwner => ReadKeyOwner(reader),
                WireManifests.NoOwner => new NoOwner(ReadKeyOnly(reader)!),
                WireManifests.ManagerMeta => new ManagerMeta(ReadKeyOnly(reader)),
                WireManifests.LockLost => ReadLockLost(reader),
                WireManifests.KeyStatus => ReadKeyStatus(reader, 0),
                WireManifests.ListLocks => ReadListLocks(reader),
                WireManifests.LockList => ReadLockList(reader),
                WireManifests.GetHotKeys => new GetHotKeys(ReadNumberOnly(reader, GetHotKeys.DefaultCount)),
                WireManifests.HotKeys => ReadHotKeys(reader),
                WireManifests.GetWaitGraph => new GetWaitGraph(ReadNumberOnly(reader, GetWaitGraph.DefaultMaxEdges)),
                WireManifests.WaitGraph => ReadWaitGraph(reader),
                WireManifests.LockGrant => reader.LockGrantFields(0),
                WireManifests.LockOptions => reader.LockOptionsFields(0),
                WireManifests.LockHolder => reader.LockHolderFields(0),
                WireManifests.LockWaiter => reader.LockWaiterFields(0),
                WireManifests.LockGranted => ReadLockGranted(reader, 0),
                WireManifests.LockReleased => ReadLockReleased(reader, 0),
                WireManifests.GrantGivenAway => ReadGrantGivenAway(reader, 0),
                WireManifests.OwnerGone => ReadOwnerGone(reader, 0),
                WireManifests.WaitQueued => ReadWaitQueued(reader, 0),
                WireManifests.WaitEnded => ReadWaitEnded(reader, 0),
                WireManifests.LockTableSnapshot => ReadSnapshot(reader),
                WireManifests.LockEventBatch => ReadEventBatch(reader),
                _ => null,
            };
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or OverflowException or SerializationException)
        {
            throw new SerializationException(
                $"The bytes are not a valid message for manifest \"{manifest}\" of {nameof(LockProtocolSerializer)}: {e.Message}", e);
        }

        return message ?? throw new SerializationException(
            $"Unknown manifest \"{manifest}\" for {nameof(LockProtocolSerializer)} (id {Identifier}): the bytes come from a newer version of LockActors or from another serializer.");
    }

    private static ArgumentException NotMine(object o) =>
        new($"{nameof(LockProtocolSerializer)} writes the messages of the lock manager's protocol only, not {o.GetType().FullName}.", nameof(o));

    // Messages whose only field is field 1.
    private static object? ReadKeyOnly(WireReader reader) => ReadOnlyField(reader, static (r, tag) => r.Value(tag), null);

    private static object[]? ReadKeysOnly(WireReader reader) => ReadOnlyField<object[]?>(reader, static (r, tag) => r.Keys(tag), null);

    private static LockGrant? ReadGrantOnly(WireReader reader) => ReadOnlyField<LockGrant?>(reader, static (r, tag) => r.Grant(tag), null);

    // Field 1 as read by `read`, or `absent` when the message leaves it out; other fields are skipped.
    private static T ReadOnlyField<T>(WireReader reader, Func<WireReader, uint, T> read, T absent)
    {
        var value = absent;
        uint tag;
        while ((tag = reader.Next(0)) != 0)
        {
            if (WireReader.Field(tag) == 1)
            {
                value = read(reader, tag);
            }
            else
            {
                reader.Skip();
            }
        }

        return value;
    }
}
