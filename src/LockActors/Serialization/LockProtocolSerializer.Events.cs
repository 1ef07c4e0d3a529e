using System.Runtime.Serialization;
using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Serialization;

// The lock table's events and snapshot, as an event-sourced manager's journal stores them: each
// record's fields by number, as written and as read. A number, once given to a field, is never given
// to another: a journal keeps these bytes for as long as the manager's history.
public sealed partial class LockProtocolSerializer
{
    // LockGranted { 1 owner, 2 keys, 3 is-multi, 4 fencing token, 5 mode, 6 permits (default 1), 7 capacity (default 1), 8 metadata, 9 label }
    private static void Write(WireWriter w, LockGranted e)
    {
        w.Ref(1, e.Owner);
        w.Keys(2, e.Keys);
        w.Bool(3, e.IsMulti);
        w.Long(4, e.FencingToken);
        w.Int(5, (int)e.Mode);
        w.Int(6, e.Permits, byDefault: 1);
        w.Int(7, e.Capacity, byDefault: 1);
        w.Value(8, e.Metadata);
        w.String(9, e.Label);
    }

    private static LockGranted ReadLockGranted(WireReader r, uint end)
    {
        IActorRef? owner = null;
        object[]? keys = null;
        var isMulti = false;
        long token = 0;
        var mode = LockMode.Exclusive;
        int permits = 1, capacity = 1;
        object? metadata = null;
        string? label = null;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: owner = r.Ref(tag); break;
                case 2: keys = r.Keys(tag); break;
                case 3: isMulti = r.Bool(tag); break;
                case 4: token = r.Long(tag); break;
                case 5: mode = (LockMode)r.Int(tag); break;
                case 6: permits = r.Int(tag); break;
                case 7: capacity = r.Int(tag); break;
                case 8: metadata = r.Value(tag); break;
                case 9: label = r.String(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockGranted(owner!, keys!, isMulti, token, mode, permits, capacity, metadata, label);
    }

    // LockReleased { 1 owner, 2 keys }
    private static void Write(WireWriter w, LockReleased e)
    {
        w.Ref(1, e.Owner);
        w.Keys(2, e.Keys);
    }

    private static LockReleased ReadLockReleased(WireReader r, uint end)
    {
        IActorRef? owner = null;
        object[]? keys = null;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: owner = r.Ref(tag); break;
                case 2: keys = r.Keys(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockReleased(owner!, keys!);
    }

    // GrantGivenAway { 1 from, 2 to, 3 keys, 4 is-multi, 5 fencing token, 6 mode, 7 permits (default 1) }
    private static void Write(WireWriter w, GrantGivenAway e)
    {
        w.Ref(1, e.From);
        w.Ref(2, e.To);
        w.Keys(3, e.Keys);
        w.Bool(4, e.IsMulti);
        w.Long(5, e.FencingToken);
        w.Int(6, (int)e.Mode);
        w.Int(7, e.Permits, byDefault: 1);
    }

    private static GrantGivenAway ReadGrantGivenAway(WireReader r, uint end)
    {
        IActorRef? from = null, to = null;
        object[]? keys = null;
        var isMulti = false;
        long token = 0;
        var mode = LockMode.Exclusive;
        var permits = 1;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: from = r.Ref(tag); break;
                case 2: to = r.Ref(tag); break;
                case 3: keys = r.Keys(tag); break;
                case 4: isMulti = r.Bool(tag); break;
                case 5: token = r.Long(tag); break;
                case 6: mode = (LockMode)r.Int(tag); break;
                case 7: permits = r.Int(tag); break;
                default: r.Skip(); break;
            }
        }

        return new GrantGivenAway(from!, to!, keys!, isMulti, token, mode, permits);
    }

    // OwnerGone { 1 owner, 2 terminated }
    private static void Write(WireWriter w, OwnerGone e)
    {
        w.Ref(1, e.Owner);
        w.Bool(2, e.Terminated);
    }

    private static OwnerGone ReadOwnerGone(WireReader r, uint end)
    {
        IActorRef? owner = null;
        var terminated = false;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: owner = r.Ref(tag); break;
                case 2: terminated = r.Bool(tag); break;
                default: r.Skip(); break;
            }
        }

        return new OwnerGone(owner!, terminated);
    }

    // WaitQueued { 1 owner, 2 reply-to, 3 keys, 4 is-multi, 5 mode, 6 permits (default 1), 7 capacity (default 1), 8 priority,
    //              9 deadline in UTC ticks, 10 label, 11 queued at in UTC ticks }
    private static void Write(WireWriter w, WaitQueued e)
    {
        w.Ref(1, e.Owner);
        w.Ref(2, e.ReplyTo);
        w.Keys(3, e.Keys);
        w.Bool(4, e.IsMulti);
        w.Int(5, (int)e.Mode);
        w.Int(6, e.Permits, byDefault: 1);
        w.Int(7, e.Capacity, byDefault: 1);
        w.Int(8, e.Priority);
        w.Long(9, e.DeadlineUtcTicks);
        w.String(10, e.Label);
        w.Long(11, e.QueuedUtcTicks);
    }

    private static WaitQueued ReadWaitQueued(WireReader r, uint end)
    {
        IActorRef? owner = null, replyTo = null;
        object[]? keys = null;
        var isMulti = false;
        var mode = LockMode.Exclusive;
        int permits = 1, capacity = 1, priority = 0;
        long deadline = 0, queuedAt = 0;
        string? label = null;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: owner = r.Ref(tag); break;
                case 2: replyTo = r.Ref(tag); break;
                case 3: keys = r.Keys(tag); break;
                case 4: isMulti = r.Bool(tag); break;
                case 5: mode = (LockMode)r.Int(tag); break;
                case 6: permits = r.Int(tag); break;
                case 7: capacity = r.Int(tag); break;
                case 8: priority = r.Int(tag); break;
                case 9: deadline = r.Long(tag); break;
                case 10: label = r.String(tag); break;
                case 11: queuedAt = r.Long(tag); break;
                default: r.Skip(); break;
            }
        }

        return new WaitQueued(owner!, replyTo, keys!, isMulti, mode, permits, capacity, priority, deadline, label, queuedAt);
    }

    // WaitEnded { 1 owner, 2 first key, 3 position, 4 reason }
    private static void Write(WireWriter w, WaitEnded e)
    {
        w.Ref(1, e.Owner);
        w.Value(2, e.FirstKey);
        w.Int(3, e.Position);
        w.Int(4, (int)e.Reason);
    }

    private static WaitEnded ReadWaitEnded(WireReader r, uint end)
    {
        IActorRef? owner = null;
        object? firstKey = null;
        var position = 0;
        var reason = default(WaitEndReason);
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: owner = r.Ref(tag); break;
                case 2: firstKey = r.Value(tag); break;
                case 3: position = r.Int(tag); break;
                case 4: reason = (WaitEndReason)r.Int(tag); break;
                default: r.Skip(); break;
            }
        }

        return new WaitEnded(owner!, firstKey!, position, reason);
    }

    // LockTableSnapshot { 1 last token, 2 held key (repeated HeldKey group), 3 wait (repeated WaitQueued group) }
    // HeldKey { 1 owner, 2 key, 3 capacity (default 1), 4 fencing token, 5 mode, 6 permits (default 1), 7 grant keys (absent: single-key grant), 8 label }
    private static void Write(WireWriter w, LockTableSnapshot s)
    {
        w.Long(1, s.LastToken);
        foreach (var held in s.Holdings)
        {
            w.Group(2, held, static (w, h) =>
            {
                w.Ref(1, h.Owner);
                w.Value(2, h.Key);
                w.Int(3, h.Capacity, byDefault: 1);
                w.Long(4, h.FencingToken);
                w.Int(5, (int)h.Mode);
                w.Int(6, h.Permits, byDefault: 1);
                w.Keys(7, h.GrantKeys);
                w.String(8, h.Label);
            });
        }

        foreach (var wait in s.Waits)
        {
            w.Group(3, wait, Write);
        }
    }

    private static LockTableSnapshot ReadSnapshot(WireReader r)
    {
        long lastToken = 0;
        var holdings = new List<HeldKey>();
        var waits = new List<WaitQueued>();
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: lastToken = r.Long(tag); break;
                case 2: holdings.Add(ReadHeldKey(r, r.Group(tag))); break;
                case 3: waits.Add(ReadWaitQueued(r, r.Group(tag))); break;
                default: r.Skip(); break;
            }
        }

        return new LockTableSnapshot(lastToken, holdings.ToArray(), waits.ToArray());
    }

    private static HeldKey ReadHeldKey(WireReader r, uint end)
    {
        IActorRef? owner = null;
        object? key = null;
        int capacity = 1, permits = 1;
        long token = 0;
        var mode = LockMode.Exclusive;
        object[]? grantKeys = null;
        string? label = null;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: owner = r.Ref(tag); break;
                case 2: key = r.Value(tag); break;
                case 3: capacity = r.Int(tag); break;
                case 4: token = r.Long(tag); break;
                case 5: mode = (LockMode)r.Int(tag); break;
                case 6: permits = r.Int(tag); break;
                case 7: grantKeys = r.Keys(tag); break;
                case 8: label = r.String(tag); break;
                default: r.Skip(); break;
            }
        }

        return new HeldKey(owner!, key!, capacity, token, mode, permits, grantKeys, label);
    }

    // LockEventBatch { one group per event, in order, its field number naming its type:
    //                  1 LockGranted, 2 LockReleased, 3 GrantGivenAway, 4 OwnerGone, 5 WaitQueued, 6 WaitEnded }
    private static void Write(WireWriter w, LockEventBatch batch)
    {
        foreach (var change in batch.Events)
        {
            switch (change)
            {
                case LockGranted e: w.Group(1, e, Write); break;
                case LockReleased e: w.Group(2, e, Write); break;
                case GrantGivenAway e: w.Group(3, e, Write); break;
                case OwnerGone e: w.Group(4, e, Write); break;
                case WaitQueued e: w.Group(5, e, Write); break;
                case WaitEnded e: w.Group(6, e, Write); break;
                default: throw new ArgumentException($"{nameof(LockProtocolSerializer)} has no field for the event type {change?.GetType().FullName ?? "null"}.", nameof(batch));
            }
        }
    }

    private static LockEventBatch ReadEventBatch(WireReader r)
    {
        var events = new List<LockTableEvent>();
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: events.Add(ReadLockGranted(r, r.Group(tag))); break;
                case 2: events.Add(ReadLockReleased(r, r.Group(tag))); break;
                case 3: events.Add(ReadGrantGivenAway(r, r.Group(tag))); break;
                case 4: events.Add(ReadOwnerGone(r, r.Group(tag))); break;
                case 5: events.Add(ReadWaitQueued(r, r.Group(tag))); break;
                case 6: events.Add(ReadWaitEnded(r, r.Group(tag))); break;
                default: throw new SerializationException($"An event batch holds an event of unknown type (field {WireReader.Field(tag)}): it comes from a newer version of LockActors.");
            }
        }

        return new LockEventBatch(events.ToArray());
    }
}
