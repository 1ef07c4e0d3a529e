using Akka.Actor;

namespace LockActors;

/// <summary>
/// The verbs of <see cref="LockClient"/>, so that code taking locks can be given a fake in a unit
/// test. Every member behaves as the <see cref="LockClient"/> member of the same name documents.
/// </summary>
/// <example>
/// <code>
/// public sealed class Transfers(ILockClient locks)
/// {
///     public Task MoveAsync(string from, string to) =&gt;
///         locks.WithLockAllAsync([from, to], handle =&gt; WriteAsync(handle.FencingToken));
/// }
/// </code>
/// </example>
public interface ILockClient
{
    /// <summary>Takes <paramref name="key"/> if it is free (see <see cref="LockClient.TryLockAsync"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits and timeout; null for an exclusive lock.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The handle, or null when the key is busy.</returns>
    /// <exception cref="LockRefusedException">The manager refused the request or did not answer in time.</exception>
    Task<LockHandle?> TryLockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Takes <paramref name="key"/>, waiting until it is free (see <see cref="LockClient.LockAsync"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits and timeout; null for an exclusive lock and the manager's default timeout.</param>
    /// <param name="cancellationToken">Stops waiting; the request is withdrawn.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="LockTimeoutException">The wait timed out.</exception>
    /// <exception cref="LockRefusedException">The manager refused the request or did not answer in time.</exception>
    Task<LockHandle> LockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Takes every key of <paramref name="keys"/> at once if all are free (see <see cref="LockClient.TryLockAllAsync"/>).</summary>
    /// <typeparam name="TKey">The type of the keys.</typeparam>
    /// <param name="keys">The keys.</param>
    /// <param name="options">Mode, permits and timeout; null for exclusive locks.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>One handle over all the keys, or null when any is busy.</returns>
    /// <exception cref="LockRefusedException">The manager refused the request or did not answer in time.</exception>
    Task<LockHandle?> TryLockAllAsync<TKey>(IEnumerable<TKey> keys, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Takes every key of <paramref name="keys"/> at once, waiting until all are free (see <see cref="LockClient.LockAllAsync"/>).</summary>
    /// <typeparam name="TKey">The type of the keys.</typeparam>
    /// <param name="keys">The keys.</param>
    /// <param name="options">Mode, permits and timeout; null for exclusive locks and the manager's default timeout.</param>
    /// <param name="cancellationToken">Stops waiting; the request is withdrawn.</param>
    /// <returns>One handle over all the keys.</returns>
    /// <exception cref="LockTimeoutException">The wait timed out.</exception>
    /// <exception cref="LockRefusedException">The manager refused the request or did not answer in time.</exception>
    Task<LockHandle> LockAllAsync<TKey>(IEnumerable<TKey> keys, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="body"/> holding <paramref name="key"/> and releases it after (see <see cref="LockClient.WithLockAsync{T}"/>).</summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="body">The work done under the lock.</param>
    /// <param name="options">Mode, permits and timeout; null for an exclusive lock and the manager's default timeout.</param>
    /// <param name="cancellationToken">Stops waiting for the lock.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="LockTimeoutException">The wait for the lock timed out.</exception>
    /// <exception cref="LockRefusedException">The lock was refused.</exception>
    Task<T> WithLockAsync<T>(object key, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="body"/> holding <paramref name="key"/> and releases it after (see <see cref="LockClient.WithLockAsync(object, Func{LockHandle, Task}, LockOptions?, CancellationToken)"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="body">The work done under the lock.</param>
    /// <param name="options">Mode, permits and timeout; null for an exclusive lock and the manager's default timeout.</param>
    /// <param name="cancellationToken">Stops waiting for the lock.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="LockTimeoutException">The wait for the lock timed out.</exception>
    /// <exception cref="LockRefusedException">The lock was refused.</exception>
    Task WithLockAsync(object key, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="body"/> holding every key of <paramref name="keys"/> and releases them after (see <see cref="LockClient.WithLockAllAsync{TKey, T}"/>).</summary>
    /// <typeparam name="TKey">The type of the keys.</typeparam>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="keys">The keys.</param>
    /// <param name="body">The work done under the locks.</param>
    /// <param name="options">Mode, permits and timeout; null for exclusive locks and the manager's default timeout.</param>
    /// <param name="cancellationToken">Stops waiting for the locks.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="LockTimeoutException">The wait for the locks timed out.</exception>
    /// <exception cref="LockRefusedException">The locks were refused.</exception>
    Task<T> WithLockAllAsync<TKey, T>(IEnumerable<TKey> keys, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="body"/> holding every key of <paramref name="keys"/> and releases them after (see <see cref="LockClient.WithLockAllAsync{TKey}"/>).</summary>
    /// <typeparam name="TKey">The type of the keys.</typeparam>
    /// <param name="keys">The keys.</param>
    /// <param name="body">The work done under the locks.</param>
    /// <param name="options">Mode, permits and timeout; null for exclusive locks and the manager's default timeout.</param>
    /// <param name="cancellationToken">Stops waiting for the locks.</param>
    /// <returns>A task that completes when the body has run and the locks are released.</returns>
    /// <exception cref="LockTimeoutException">The wait for the locks timed out.</exception>
    /// <exception cref="LockRefusedException">The locks were refused.</exception>
    Task WithLockAllAsync<TKey>(IEnumerable<TKey> keys, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Releases everything this client holds (see <see cref="LockClient.GoodbyeAsync"/>).</summary>
    /// <param name="cancellationToken">Stops waiting for the manager's answer.</param>
    /// <returns>The keys that were released.</returns>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<IReadOnlyList<object>> GoodbyeAsync(CancellationToken cancellationToken = default);

    /// <summary>Who holds <paramref name="key"/> (see <see cref="LockClient.WhereIsAsync"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The owner, or null when the key is free.</returns>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<IActorRef?> WhereIsAsync(object key, CancellationToken cancellationToken = default);

    /// <summary>The manager's configured metadata (see <see cref="LockClient.GetMetaAsync"/>).</summary>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The metadata, possibly null.</returns>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<object?> GetMetaAsync(CancellationToken cancellationToken = default);

    /// <summary>Owner, fencing token and waiters of <paramref name="key"/> (see <see cref="LockClient.InspectAsync"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The key's status.</returns>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<KeyStatus> InspectAsync(object key, CancellationToken cancellationToken = default);

    /// <summary>One page of the keys held or waited for (see <see cref="LockClient.ListLocksAsync"/>).</summary>
    /// <param name="keyPrefix">Only keys whose text starts with this; null for all.</param>
    /// <param name="after">The <see cref="LockList.NextCursor"/> of the previous page; null for the first page.</param>
    /// <param name="pageSize">How many keys a page lists at most, 1 to <see cref="ListLocks.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The page; its <see cref="LockList.NextCursor"/> is null on the last page.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="after"/> is not a cursor the manager handed out.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<LockList> ListLocksAsync(string? keyPrefix = null, string? after = null, int pageSize = ListLocks.DefaultPageSize, CancellationToken cancellationToken = default);

    /// <summary>The keys most waited for (see <see cref="LockClient.GetHotKeysAsync"/>).</summary>
    /// <param name="count">How many keys each list has at most, 1 to <see cref="GetHotKeys.MaxCount"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The keys by number of waits and by longest current wait.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<HotKeys> GetHotKeysAsync(int count = GetHotKeys.DefaultCount, CancellationToken cancellationToken = default);

    /// <summary>Who waits for whom (see <see cref="LockClient.GetWaitGraphAsync"/>).</summary>
    /// <param name="maxEdges">How many edges to report at most, 1 to <see cref="GetWaitGraph.MaxEdgesLimit"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The edges waiter → holder, and whether there were more.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEdges"/> is out of range.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer in time.</exception>
    Task<WaitGraph> GetWaitGraphAsync(int maxEdges = GetWaitGraph.DefaultMaxEdges, CancellationToken cancellationToken = default);
}
