using System.Globalization;
using Akka.Actor;

namespace LockActors.Table;

// The overview queries: keys in use page by page, the hottest keys, the wait-for graph. Read-only;
// each walks the keys or the waits in use once.
internal sealed partial class LockTable
{
    /// <summary><see cref="LockActors.ListLocks"/>: one page of the keys in use, in the order of their text, then hash code.</summary>
    public void ListLocks(IActorRef? replyTo, ListLocks request)
    {
        if (request.PageSize is < 1 or > LockActors.ListLocks.MaxPageSize)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"ListLocks was sent with page size {request.PageSize}; it must be 1 to {LockActors.ListLocks.MaxPageSize}.");
            return;
        }

        ListingPlace? after = null;
        if (request.After is { } cursor && (after = ListingPlace.Parse(cursor)) is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"ListLocks was sent with cursor {KeyText.Of(cursor)}, which is not one the manager handed out (pass a LockList's NextCursor as is).");
            return;
        }

        _fx.Send(replyTo, ListPage(request.KeyPrefix, after, request.PageSize));
    }

    private LockList ListPage(string? prefix, ListingPlace? after, int pageSize)
    {
        // The page's keys are the least ones past the cursor; ties (keys with the same text and hash
        // code, which a page must not split) all go on the page, so it may run over by them.
        var listed = new List<(ListingPlace Place, KeyEntry Entry)>();
        foreach (var entry in _keys.Values)
        {
            if (!string.IsNullOrEmpty(prefix) && !HasPrefix(entry.Key, prefix))
            {
                continue;
            }

            var place = ListingPlace.Of(entry);
            if (after is null || place.CompareTo(after.Value) > 0)
            {
                listed.Add((place, entry));
            }
        }

        listed.Sort((x, y) => x.Place.CompareTo(y.Place));
        var count = Math.Min(pageSize, listed.Count);
        while (count > 0 && count < listed.Count && listed[count].Place.CompareTo(listed[count - 1].Place) == 0)
        {
            count++;
        }

        var page = new KeyStatus[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = StatusOf(listed[i].Entry, listed[i].Entry.Key);
        }

        var next = count < listed.Count ? listed[count - 1].Place.ToCursor() : null;
        return new LockList(page, next, _keys.Count);
    }

    /// <summary><see cref="LockActors.GetHotKeys"/>: the keys with the most waits and with the oldest waits, at <paramref name="now"/> on the table's clock.</summary>
    public void HotKeys(IActorRef? replyTo, int count, long now)
    {
        if (count is < 1 or > GetHotKeys.MaxCount)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"GetHotKeys was sent with count {count}; it must be 1 to {GetHotKeys.MaxCount}.");
            return;
        }

        var contended = new List<HotKey>();
        foreach (var entry in _keys.Values)
        {
            if (entry.Head is null)
            {
                continue;
            }

            var waiters = 0;
            var oldest = long.MaxValue;
            for (var node = entry.Head; node is not null; node = entry.Queue.Next(node))
            {
                waiters++;
                oldest = Math.Min(oldest, node.Request.Since);
            }

            contended.Add(new HotKey(entry.Key, waiters, TimeSpan.FromMilliseconds(Math.Max(0, now - oldest))));
        }

        var byWaiters = contended.OrderByDescending(k => k.Waiters).ThenByDescending(k => k.LongestWait).Take(count).ToArray();
        var byLongestWait = contended.OrderByDescending(k => k.LongestWait).ThenByDescending(k => k.Waiters).Take(count).ToArray();
        _fx.Send(replyTo, new HotKeys(byWaiters, byLongestWait));
    }

    /// <summary><see cref="LockActors.GetWaitGraph"/>: an edge from each waiting owner to each holder of a key it waits for.</summary>
    public void WaitGraph(IActorRef? replyTo, int maxEdges)
    {
        if (maxEdges is < 1 or > GetWaitGraph.MaxEdgesLimit)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"GetWaitGraph was sent with at most {maxEdges} edges; it must be 1 to {GetWaitGraph.MaxEdgesLimit}.");
            return;
        }

        var edges = new List<WaitEdge>();
        var truncated = false;
        foreach (var party in _parties.Values)
        {
            for (var wait = party.Waits.First; wait is not null && !truncated; wait = party.Waits.Next(wait))
            {
                for (var i = 0; i < wait.NodeCount && !truncated; i++)
                {
                    var entry = wait.NodeAt(i).Entry;
                    foreach (var holding in HoldingsByAge(entry))
                    {
                        if (edges.Count == maxEdges)
                        {
                            truncated = true;
                            break;
                        }

                        edges.Add(new WaitEdge(party.Actor, entry.Key, holding.Holder!.Actor) { WaiterLabel = wait.Label, HolderLabel = holding.Label });
                    }
                }
            }

            if (truncated)
            {
                break;
            }
        }

        _fx.Send(replyTo, new WaitGraph(edges.ToArray(), truncated));
    }

    /// <summary>True when a string key starts with <paramref name="prefix"/>, or another key's text (<c>value (Type)</c>) does.</summary>
    private static bool HasPrefix(object key, string prefix) =>
        (key as string ?? KeyText.Of(key)).StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>Reports a busy answer to a try-lock, then sends it (so whoever sees the answer finds it counted).</summary>
    private void ReplyBusy(IActorRef? replyTo, LockBusy busy, IActorRef requester, in LockTerms terms)
    {
        Monitor.Busy(busy, requester, terms.Label);
        _fx.Send(replyTo, busy);
    }

    /// <summary>The answer to a try-lock on a key it cannot have now: a holder and its label.</summary>
    private static LockBusy Busy(object key, KeyEntry entry)
    {
        var holder = entry.AnyHolder();
        return new LockBusy(key, holder?.Actor) { OwnerLabel = holder is null ? null : entry.HoldingOf(holder)?.Label };
    }

    /// <summary>
    /// A key's place in the listing: its text as <see cref="KeyText"/> renders it, then its hash code.
    /// A cursor is this place as text: eight hex digits of the hash code, a colon, the key's text.
    /// </summary>
    private readonly record struct ListingPlace(string Text, int Hash) : IComparable<ListingPlace>
    {
        public static ListingPlace Of(KeyEntry entry) => new(KeyText.Of(entry.Key), entry.Hash);

        /// <summary>The place a cursor names, or null when the text is not a cursor.</summary>
        public static ListingPlace? Parse(string cursor) =>
            cursor.Length >= 9 && cursor[8] == ':'
            && int.TryParse(cursor.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash)
                ? new ListingPlace(cursor[9..], hash)
                : null;

        public string ToCursor() => $"{Hash:x8}:{Text}";

        public int CompareTo(ListingPlace other)
        {
            var byText = string.CompareOrdinal(Text, other.Text);
            return byText != 0 ? byText : ((uint)Hash).CompareTo((uint)other.Hash);
        }
    }
}
