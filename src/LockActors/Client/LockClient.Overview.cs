namespace LockActors;

// The overview queries of the client: keys in use page by page, the hottest keys, who waits for whom.
public sealed partial class LockClient
{
    /// <summary>
    /// One page of the keys held or waited for, with their holders and waits and their labels, in the
    /// manager's listing order (see <see cref="ListLocks"/>).
    /// </summary>
    /// <param name="keyPrefix">Only keys whose text starts with this: a string key itself, another key as <c>value (Type)</c>; null for all.</param>
    /// <param name="after">The <see cref="LockList.NextCursor"/> of the previous page; null for the first page.</param>
    /// <param name="pageSize">How many keys a page lists at most, 1 to <see cref="ListLocks.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The page; its <see cref="LockList.NextCursor"/> is null on the last page.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="after"/> is not a cursor the manager handed out.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<LockList> ListLocksAsync(string? keyPrefix = null, string? after = null, int pageSize = ListLocks.DefaultPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, ListLocks.MaxPageSize);
        return AskAsync<LockList>(new ListLocks(keyPrefix, after, pageSize), [], cancellationToken);
    }

    /// <summary>The keys most waited for: by number of waits queued and by the longest current wait (see <see cref="GetHotKeys"/>).</summary>
    /// <param name="count">How many keys each list has at most, 1 to <see cref="GetHotKeys.MaxCount"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>Both lists; keys nobody waits for are in neither.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<HotKeys> GetHotKeysAsync(int count = GetHotKeys.DefaultCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, GetHotKeys.MaxCount);
        return AskAsync<HotKeys>(new GetHotKeys(count), [], cancellationToken);
    }

    /// <summary>Who waits for whom: an edge from each waiting owner to each holder of a key it waits for (see <see cref="GetWaitGraph"/>).</summary>
    /// <param name="maxEdges">How many edges to report at most, 1 to <see cref="GetWaitGraph.MaxEdgesLimit"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The edges, and whether there were more.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEdges"/> is out of range.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<WaitGraph> GetWaitGraphAsync(int maxEdges = GetWaitGraph.DefaultMaxEdges, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEdges, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEdges, GetWaitGraph.MaxEdgesLimit);
        return AskAsync<WaitGraph>(new GetWaitGraph(maxEdges), [], cancellationToken);
    }
}
