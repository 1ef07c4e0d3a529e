using Akka.Actor;

namespace LockActors.Serialization;

// The requests' records: each message's fields by number, as written and as read. A number, once
// given to a field, is never given to another.
public sealed partial class LockProtocolSerializer
{
    // TryLock { 1 key, 2 owner, 3 options }
    private static void Write(WireWriter w, TryLock m)
    {
        w.Value(1, m.Key);
        w.Ref(2, m.Owner);
        w.Options(3, m.Options);
    }

    private static TryLock ReadTryLock(WireReader r)
    {
        object? key = null;
        IActorRef? owner = null;
        LockOptions? options = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: owner = r.Ref(tag); break;
                case 3: options = r.Options(tag); break;
                default: r.Skip(); break;
            }
        }

        return new TryLock(key!) { Owner = owner, Options = options! };
    }

    // Await { 1 key, 2 timeout ticks (absent: null), 3 owner, 4 options }
    private static void Write(WireWriter w, Await m)
    {
        w.Value(1, m.Key);
        WriteWaitFields(w, m.Timeout, m.Owner, m.Options);
    }

    private static Await ReadAwait(WireReader r)
    {
        var (key, timeout, owner, options) = ReadWaitFields(r, static (r, tag) => r.Value(tag));
        return new Await(key!, timeout) { Owner = owner, Options = options! };
    }

    // AwaitAll { 1 keys, 2 timeout ticks (absent: null), 3 owner, 4 options }
    private static void Write(WireWriter w, AwaitAll m)
    {
        w.Keys(1, m.Keys);
        WriteWaitFields(w, m.Timeout, m.Owner, m.Options);
    }

    private static AwaitAll ReadAwaitAll(WireReader r)
    {
        var (keys, timeout, owner, options) = ReadWaitFields(r, static (r, tag) => r.Keys(tag));
        return new AwaitAll(keys!, timeout) { Owner = owner, Options = options! };
    }

    // The fields Await and AwaitAll share: all but the first, a key for one and a key list for the other.
    private static void WriteWaitFields(WireWriter w, TimeSpan? timeout, IActorRef? owner, LockOptions? options)
    {
        w.Duration(2, timeout);
        w.Ref(3, owner);
        w.Options(4, options);
    }

    private static (T? First, TimeSpan? Timeout, IActorRef? Owner, LockOptions? Options) ReadWaitFields<T>(
        WireReader r, Func<WireReader, uint, T> readFirst)
    {
        T? first = default;
        TimeSpan? timeout = null;
        IActorRef? owner = null;
        LockOptions? options = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: first = readFirst(r, tag); break;
                case 2: timeout = r.Duration(tag); break;
                case 3: owner = r.Ref(tag); break;
                case 4: options = r.Options(tag); break;
                default: r.Skip(); break;
            }
        }

        return (first, timeout, owner, options);
    }

    // Release { 1 grant, 2 owner }
    private static void Write(WireWriter w, Release m)
    {
        w.Grant(1, m.Grant);
        w.Ref(2, m.Owner);
    }

    private static Release ReadRelease(WireReader r)
    {
        LockGrant? grant = null;
        IActorRef? owner = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: grant = r.Grant(tag); break;
                case 2: owner = r.Ref(tag); break;
                default: r.Skip(); break;
            }
        }

        return new Release(grant!) { Owner = owner };
    }

    // ReleaseKeys { 1 keys, 2 owner }
    private static void Write(WireWriter w, ReleaseKeys m)
    {
        w.Keys(1, m.Keys);
        w.Ref(2, m.Owner);
    }

    private static ReleaseKeys ReadReleaseKeys(WireReader r)
    {
        var (keys, owner) = ReadKeysAndOwner(r);
        return new ReleaseKeys(keys!) { Owner = owner };
    }

    // Goodbye { 1 owner }
    private static void Write(WireWriter w, Goodbye m) => w.Ref(1, m.Owner);

    private static Goodbye ReadGoodbye(WireReader r) =>
        new() { Owner = ReadOnlyField<IActorRef?>(r, static (r, tag) => r.Ref(tag), null) };

    // GiveAway { 1 grant, 2 heir, 3 gift data, 4 owner }
    private static void Write(WireWriter w, GiveAway m)
    {
        w.Grant(1, m.Grant);
        w.Ref(2, m.Heir);
        w.Value(3, m.GiftData);
        w.Ref(4, m.Owner);
    }

    private static GiveAway ReadGiveAway(WireReader r)
    {
        LockGrant? grant = null;
        IActorRef? heir = null;
        object? gift = null;
        IActorRef? owner = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: grant = r.Grant(tag); break;
                case 2: heir = r.Ref(tag); break;
                case 3: gift = r.Value(tag); break;
                case 4: owner = r.Ref(tag); break;
                default: r.Skip(); break;
            }
        }

        return new GiveAway(grant!, heir!, gift) { Owner = owner };
    }

    // CancelAwait { 1 keys (absent: null, every wait), 2 owner }
    private static void Write(WireWriter w, CancelAwait m)
    {
        w.Keys(1, m.Keys);
        w.Ref(2, m.Owner);
    }

    private static CancelAwait ReadCancelAwait(WireReader r)
    {
        var (keys, owner) = ReadKeysAndOwner(r);
        return new CancelAwait(keys) { Owner = owner };
    }

    // WhereIs { 1 key }
    private static void Write(WireWriter w, WhereIs m) => w.Value(1, m.Key);

    // SendToOwner { 1 key, 2 message }
    private static void Write(WireWriter w, SendToOwner m)
    {
        w.Value(1, m.Key);
        w.Value(2, m.Message);
    }

    private static SendToOwner ReadSendToOwner(WireReader r)
    {
        object? key = null;
        object? message = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: message = r.Value(tag); break;
                default: r.Skip(); break;
            }
        }

        return new SendToOwner(key!, message!);
    }

    // Inspect { 1 key }
    private static void Write(WireWriter w, Inspect m) => w.Value(1, m.Key);

    private static (object[]? Keys, IActorRef? Owner) ReadKeysAndOwner(WireReader r)
    {
        object[]? keys = null;
        IActorRef? owner = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: keys = r.Keys(tag); break;
                case 2: owner = r.Ref(tag); break;
                default: r.Skip(); break;
            }
        }

        return (keys, owner);
    }
}
