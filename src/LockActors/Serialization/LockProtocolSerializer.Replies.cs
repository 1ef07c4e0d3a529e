using Akka.Actor;

namespace LockActors.Serialization;

// The replies' and notifications' records: each message's fields by number, as written and as
// read. A number, once given to a field, is never given to another.
public sealed partial class LockProtocolSerializer
{
    // LockAcquired { 1 grant }
    private static void Write(WireWriter w, LockAcquired m) => w.Grant(1, m.Grant);

    // LockBusy { 1 key, 2 owner, 3 owner's label }
    private static void Write(WireWriter w, LockBusy m)
    {
        w.Value(1, m.Key);
        w.Ref(2, m.Owner);
        w.String(3, m.OwnerLabel);
    }

    private static LockBusy ReadLockBusy(WireReader r)
    {
        object? key = null;
        IActorRef? owner = null;
        string? label = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: owner = r.Ref(tag); break;
                case 3: label = r.String(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockBusy(key!, owner) { OwnerLabel = label };
    }

    // LockTimedOut { 1 keys }
    private static void Write(WireWriter w, LockTimedOut m) => w.Keys(1, m.Keys);

    // LockRefused { 1 key, 2 cause, 3 message }
    private static void Write(WireWriter w, LockRefused m)
    {
        w.Value(1, m.Key);
        w.Int(2, (int)m.Cause);
        w.String(3, m.Message);
    }

    private static LockRefused ReadLockRefused(WireReader r)
    {
        object? key = null;
        var cause = default(RefusalReason);
        string? message = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: cause = (RefusalReason)r.Int(tag); break;
                case 3: message = r.String(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockRefused(key, cause, message!);
    }

    // AwaitCancelled { 1 keys }
    private static void Write(WireWriter w, AwaitCancelled m) => w.Keys(1, m.Keys);

    // Released { 1 keys }
    private static void Write(WireWriter w, Released m) => w.Keys(1, m.Keys);

    // ReleaseFailed { 1 key, 2 cause, 3 current owner }
    private static void Write(WireWriter w, ReleaseFailed m)
    {
        w.Value(1, m.Key);
        w.Int(2, (int)m.Cause);
        w.Ref(3, m.CurrentOwner);
    }

    private static ReleaseFailed ReadReleaseFailed(WireReader r)
    {
        object? key = null;
        var cause = default(ReleaseFailure);
        IActorRef? owner = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: cause = (ReleaseFailure)r.Int(tag); break;
                case 3: owner = r.Ref(tag); break;
                default: r.Skip(); break;
            }
        }

        return new ReleaseFailed(key!, cause, owner);
    }

    // GoodbyeDone { 1 keys }
    private static void Write(WireWriter w, GoodbyeDone m) => w.Keys(1, m.Keys);

    // GaveAway { 1 new grant }
    private static void Write(WireWriter w, GaveAway m) => w.Grant(1, m.NewGrant);

    // LockTransferred { 1 from, 2 grant, 3 gift data }
    private static void Write(WireWriter w, LockTransferred m)
    {
        w.Ref(1, m.From);
        w.Grant(2, m.Grant);
        w.Value(3, m.GiftData);
    }

    private static LockTransferred ReadLockTransferred(WireReader r)
    {
        IActorRef? from = null;
        LockGrant? grant = null;
        object? gift = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: from = r.Ref(tag); break;
                case 2: grant = r.Grant(tag); break;
                case 3: gift = r.Value(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockTransferred(from!, grant!, gift);
    }

    // KeyOwner { 1 key, 2 owner }
    private static void Write(WireWriter w, KeyOwner m)
    {
        w.Value(1, m.Key);
        w.Ref(2, m.Owner);
    }

    private static KeyOwner ReadKeyOwner(WireReader r)
    {
        var (key, owner) = ReadKeyAndOwner(r);
        return new KeyOwner(key!, owner);
    }

    // NoOwner { 1 key }
    private static void Write(WireWriter w, NoOwner m) => w.Value(1, m.Key);

    // ManagerMeta { 1 metadata }
    private static void Write(WireWriter w, ManagerMeta m) => w.Value(1, m.Metadata);

    // LockLost { 1 grant, 2 message }
    private static void Write(WireWriter w, LockLost m)
    {
        w.Grant(1, m.Grant);
        w.String(2, m.Message);
    }

    private static LockLost ReadLockLost(WireReader r)
    {
        LockGrant? grant = null;
        string? message = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: grant = r.Grant(tag); break;
                case 2: message = r.String(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockLost(grant!, message!);
    }

    // KeyStatus { 1 key, 2 capacity (default 1), 3 holder (repeated), 4 wait (repeated) }
    private static void Write(WireWriter w, KeyStatus m)
    {
        w.Value(1, m.Key);
        w.Int(2, m.Capacity, byDefault: 1);
        foreach (var holder in m.Holders)
        {
            w.Holder(3, holder);
        }

        foreach (var waiter in m.Queue)
        {
            w.Waiter(4, waiter);
        }
    }

    private static KeyStatus ReadKeyStatus(WireReader r, uint end)
    {
        object? key = null;
        var capacity = 1;
        var holders = new List<LockHolder>();
        var queue = new List<LockWaiter>();
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: capacity = r.Int(tag); break;
                case 3: holders.Add(r.LockHolderFields(r.Group(tag))); break;
                case 4: queue.Add(r.LockWaiterFields(r.Group(tag))); break;
                default: r.Skip(); break;
            }
        }

        return new KeyStatus(key!, capacity, holders.ToArray(), queue.ToArray());
    }

    private static (object? Key, IActorRef? Owner) ReadKeyAndOwner(WireReader r)
    {
        object? key = null;
        IActorRef? owner = null;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: owner = r.Ref(tag); break;
                default: r.Skip(); break;
            }
        }

        return (key, owner);
    }
}
