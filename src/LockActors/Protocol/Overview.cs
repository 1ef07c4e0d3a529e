using Akka.Actor;

namespace LockActors;

// The overview queries: every key in use, page by page; the hottest keys; who waits for whom.
// They only read the manager's state and answer at once; each walks the keys or the waits in use,
// so they are meant for dashboards and debugging, not for every request.

/// <summary>
/// Lists the keys held or waited for, page by page, in a stable order: by the key's text (a string
/// key in quotes, any other as <c>value (Type)</c>, compared ordinally), then by its hash code.
/// Replies <see cref="LockList"/>, or <see cref="LockRefused"/> (<see cref="RefusalReason.InvalidRequest"/>)
/// for a page size out of range or a cursor that is not one the manager handed out.
/// </summary>
/// <remarks>
/// Paging is by position, not by snapshot: pass <see cref="LockList.NextCursor"/> as
/// <paramref name="After"/> to get the keys after the last one of the previous page. A key that stays
/// in use is listed exactly once over all pages; a key that comes into use or goes idle meanwhile
/// may or may not be listed. Each page walks every key in use (O(keys in use)).
/// </remarks>
/// <param name="KeyPrefix">
/// Only keys whose text starts with this (ordinal): a string key itself, any other key as
/// <c>value (Type)</c>; null or empty for every key.
/// </param>
/// <param name="After">The <see cref="LockList.NextCursor"/> of the previous page; null for the first page.</param>
/// <param name="PageSize">How many keys a page lists at most, 1 to <see cref="MaxPageSize"/>.</param>
public sealed record ListLocks(string? KeyPrefix = null, string? After = null, int PageSize = ListLocks.DefaultPageSize) : ILockRequest
{
    /// <summary>The page size when none is given.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest page size accepted.</summary>
    public const int MaxPageSize = 1000;
}

/// <summary>Answer to <see cref="ListLocks"/>: one page of keys in use.</summary>
/// <param name="Keys">The status of each key of the page (holders and waits, with their labels), in the listing order.</param>
/// <param name="NextCursor">Pass as <see cref="ListLocks.After"/> for the next page; null when this page is the last.</param>
/// <param name="KeysInUse">How many keys the manager has in use (held or waited for), whatever the prefix.</param>
public sealed record LockList(IReadOnlyList<KeyStatus> Keys, string? NextCursor, int KeysInUse) : ILockReply
{
    /// <summary>The status of each key of the page. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<KeyStatus> Keys { get; init; } = Keys as KeyStatus[] ?? Keys.ToArray();
}

/// <summary>
/// Asks for the keys most waited for: the top <paramref name="Count"/> by number of waits queued,
/// and by the longest time a wait still queued has waited. Replies <see cref="HotKeys"/>, or
/// <see cref="LockRefused"/> (<see cref="RefusalReason.InvalidRequest"/>) for a count out of range.
/// Walks every wait queued (O(keys in use + waits)).
/// </summary>
/// <param name="Count">How many keys each list has at most, 1 to <see cref="MaxCount"/>.</param>
public sealed record GetHotKeys(int Count = GetHotKeys.DefaultCount) : ILockRequest
{
    /// <summary>The count when none is given.</summary>
    public const int DefaultCount = 10;

    /// <summary>The largest count accepted.</summary>
    public const int MaxCount = 1000;
}

/// <summary>Answer to <see cref="GetHotKeys"/>; keys nobody waits for are in neither list.</summary>
/// <param name="ByWaiters">Keys with the most waits queued first; equal counts by the longer wait.</param>
/// <param name="ByLongestWait">Keys whose longest-waiting wait has waited longest first.</param>
public sealed record HotKeys(IReadOnlyList<HotKey> ByWaiters, IReadOnlyList<HotKey> ByLongestWait) : ILockReply
{
    /// <summary>Keys with the most waits queued first. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<HotKey> ByWaiters { get; init; } = ByWaiters as HotKey[] ?? ByWaiters.ToArray();

    /// <summary>Keys whose oldest wait is oldest first. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<HotKey> ByLongestWait { get; init; } = ByLongestWait as HotKey[] ?? ByLongestWait.ToArray();
}

/// <summary>How contended one key is, as <see cref="GetHotKeys"/> reports it.</summary>
/// <param name="Key">The key.</param>
/// <param name="Waiters">How many waits are queued for it.</param>
/// <param name="LongestWait">How long the wait queued longest for it has waited so far (millisecond resolution).</param>
public sealed record HotKey(object Key, int Waiters, TimeSpan LongestWait);

/// <summary>
/// Asks who waits for whom: an edge from each waiting owner to each holder of a key it waits for.
/// Replies <see cref="WaitGraph"/>, or <see cref="LockRefused"/> (<see cref="RefusalReason.InvalidRequest"/>)
/// for a bound out of range. Walks every wait queued and the holders of its keys.
/// </summary>
/// <param name="MaxEdges">How many edges to report at most, 1 to <see cref="MaxEdgesLimit"/>.</param>
public sealed record GetWaitGraph(int MaxEdges = GetWaitGraph.DefaultMaxEdges) : ILockRequest
{
    /// <summary>The bound when none is given.</summary>
    public const int DefaultMaxEdges = 1000;

    /// <summary>The largest bound accepted.</summary>
    public const int MaxEdgesLimit = 100_000;
}

/// <summary>Answer to <see cref="GetWaitGraph"/>.</summary>
/// <param name="Edges">Waiter → holder, per key; the waits of one owner together, oldest wait first.</param>
/// <param name="Truncated">True when there were more edges than <see cref="GetWaitGraph.MaxEdges"/>.</param>
public sealed record WaitGraph(IReadOnlyList<WaitEdge> Edges, bool Truncated) : ILockReply
{
    /// <summary>The edges. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<WaitEdge> Edges { get; init; } = Edges as WaitEdge[] ?? Edges.ToArray();
}

/// <summary>One edge of the <see cref="WaitGraph"/>: <paramref name="Waiter"/> waits for <paramref name="Key"/>, which <paramref name="Holder"/> holds.</summary>
/// <param name="Waiter">The waiting owner.</param>
/// <param name="Key">The key it waits for.</param>
/// <param name="Holder">A holder of the key.</param>
public sealed record WaitEdge(IActorRef Waiter, object Key, IActorRef Holder)
{
    /// <summary>The wait's label (<see cref="LockOptions.Label"/>); null for none.</summary>
    public string? WaiterLabel { get; init; }

    /// <summary>The holding's label (<see cref="LockOptions.Label"/>); null for none.</summary>
    public string? HolderLabel { get; init; }
}
