using Akka.Actor;

namespace LockActors.Serialization;

// The overview queries and their answers: each message's fields by number, as written and as read.
// A number, once given to a field, is never given to another.
public sealed partial class LockProtocolSerializer
{
    // ListLocks { 1 key prefix, 2 after, 3 page size (default ListLocks.DefaultPageSize) }
    private static void Write(WireWriter w, ListLocks m)
    {
        w.String(1, m.KeyPrefix);
        w.String(2, m.After);
        w.Int(3, m.PageSize, byDefault: ListLocks.DefaultPageSize);
    }

    private static ListLocks ReadListLocks(WireReader r)
    {
        string? prefix = null, after = null;
        var pageSize = ListLocks.DefaultPageSize;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: prefix = r.String(tag); break;
                case 2: after = r.String(tag); break;
                case 3: pageSize = r.Int(tag); break;
                default: r.Skip(); break;
            }
        }

        return new ListLocks(prefix, after, pageSize);
    }

    // LockList { 1 key status (repeated KeyStatus group), 2 next cursor, 3 keys in use }
    private static void Write(WireWriter w, LockList m)
    {
        foreach (var status in m.Keys)
        {
            w.Group(1, status, Write);
        }

        w.String(2, m.NextCursor);
        w.Int(3, m.KeysInUse);
    }

    private static LockList ReadLockList(WireReader r)
    {
        var keys = new List<KeyStatus>();
        string? cursor = null;
        var inUse = 0;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: keys.Add(ReadKeyStatus(r, r.Group(tag))); break;
                case 2: cursor = r.String(tag); break;
                case 3: inUse = r.Int(tag); break;
                default: r.Skip(); break;
            }
        }

        return new LockList(keys.ToArray(), cursor, inUse);
    }

    // GetHotKeys { 1 count (default GetHotKeys.DefaultCount) }
    private static void Write(WireWriter w, GetHotKeys m) => w.Int(1, m.Count, byDefault: GetHotKeys.DefaultCount);

    // HotKeys { 1 by waiters (repeated HotKey group), 2 by longest wait (repeated HotKey group) }
    // HotKey { 1 key, 2 waiters, 3 longest wait in ticks }
    private static void Write(WireWriter w, HotKeys m)
    {
        foreach (var hot in m.ByWaiters)
        {
            w.Group(1, hot, Write);
        }

        foreach (var hot in m.ByLongestWait)
        {
            w.Group(2, hot, Write);
        }
    }

    private static void Write(WireWriter w, HotKey hot)
    {
        w.Value(1, hot.Key);
        w.Int(2, hot.Waiters);
        w.Duration(3, hot.LongestWait);
    }

    private static HotKeys ReadHotKeys(WireReader r)
    {
        var byWaiters = new List<HotKey>();
        var byLongestWait = new List<HotKey>();
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: byWaiters.Add(ReadHotKey(r, r.Group(tag))); break;
                case 2: byLongestWait.Add(ReadHotKey(r, r.Group(tag))); break;
                default: r.Skip(); break;
            }
        }

        return new HotKeys(byWaiters.ToArray(), byLongestWait.ToArray());
    }

    private static HotKey ReadHotKey(WireReader r, uint end)
    {
        object? key = null;
        var waiters = 0;
        var longest = TimeSpan.Zero;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: key = r.Value(tag); break;
                case 2: waiters = r.Int(tag); break;
                case 3: longest = r.Duration(tag); break;
                default: r.Skip(); break;
            }
        }

        return new HotKey(key!, waiters, longest);
    }

    // GetWaitGraph { 1 max edges (default GetWaitGraph.DefaultMaxEdges) }
    private static void Write(WireWriter w, GetWaitGraph m) => w.Int(1, m.MaxEdges, byDefault: GetWaitGraph.DefaultMaxEdges);

    // WaitGraph { 1 edge (repeated WaitEdge group), 2 truncated }
    // WaitEdge { 1 waiter, 2 key, 3 holder, 4 waiter's label, 5 holder's label }
    private static void Write(WireWriter w, WaitGraph m)
    {
        foreach (var edge in m.Edges)
        {
            w.Group(1, edge, static (w, e) =>
            {
                w.Ref(1, e.Waiter);
                w.Value(2, e.Key);
                w.Ref(3, e.Holder);
                w.String(4, e.WaiterLabel);
                w.String(5, e.HolderLabel);
            });
        }

        w.Bool(2, m.Truncated);
    }

    private static WaitGraph ReadWaitGraph(WireReader r)
    {
        var edges = new List<WaitEdge>();
        var truncated = false;
        uint tag;
        while ((tag = r.Next(0)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: edges.Add(ReadWaitEdge(r, r.Group(tag))); break;
                case 2: truncated = r.Bool(tag); break;
                default: r.Skip(); break;
            }
        }

        return new WaitGraph(edges.ToArray(), truncated);
    }

    private static WaitEdge ReadWaitEdge(WireReader r, uint end)
    {
        IActorRef? waiter = null, holder = null;
        object? key = null;
        string? waiterLabel = null, holderLabel = null;
        uint tag;
        while ((tag = r.Next(end)) != 0)
        {
            switch (WireReader.Field(tag))
            {
                case 1: waiter = r.Ref(tag); break;
                case 2: key = r.Value(tag); break;
                case 3: holder = r.Ref(tag); break;
                case 4: waiterLabel = r.String(tag); break;
                case 5: holderLabel = r.String(tag); break;
                default: r.Skip(); break;
            }
        }

        return new WaitEdge(waiter!, key!, holder!) { WaiterLabel = waiterLabel, HolderLabel = holderLabel };
    }

    // Messages whose only field is a number, field 1, with its default.
    private static int ReadNumberOnly(WireReader reader, int byDefault) => ReadOnlyField(reader, static (r, tag) => r.Int(tag), byDefault);
}
