using LockActors.Client;
using LockActors.Diagnostics;
using LockActors.Validation;

namespace LockActors;

// The verbs that take locks: one signature each, options and token last.
public sealed partial class LockClient
{
    /// <summary>
    /// Takes <paramref name="key"/> if it can be had within <see cref="LockOptions.Timeout"/>: by
    /// default one attempt that never overtakes a waiting request (the Elixir <c>lock/2</c>).
    /// </summary>
    /// <param name="key">The key; any non-null value with value equality.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout; null for an exclusive lock tried once.</param>
    /// <param name="cancellationToken">Withdraws the request; a grant that crosses the cancellation is released.</param>
    /// <returns>The handle, or null when the key was not granted in time.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The options can never be granted (e.g. permits above the capacity), naming the value.</exception>
    /// <exception cref="LockRefusedException">Refused: the key is in use with another capacity, this async flow already holds it (<see cref="LockFailure.SelfDeadlock"/>), or the manager restarted, stopped or did not answer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<LockHandle?> TryLockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        options is null && key is not null && HeldInFlow.IsEmpty
            ? Acquire(new TryLock(key) { Owner = Owner, Options = LockOptions.Exclusive }, RequestKind.TryLock, cancellationToken) // the default terms need no check
            : TryLockChecked(key, options ?? LockOptions.Exclusive, cancellationToken);

    /// <summary><see cref="TryLockAsync"/> in full: checks the key, the terms and the flow's holdings, then sends a wait when the options give time to wait, else one attempt.</summary>
    private Task<LockHandle?> TryLockChecked(object? key, LockOptions options, CancellationToken cancellationToken)
    {
        if (CheckOne(key, options, nameof(TryLockAsync)) is { } error)
        {
            return Task.FromException<LockHandle?>(error);
        }

        return WaitsFor(options)
            ? Acquire(new Await(key!) { Owner = Owner, Options = options }, RequestKind.TryAwait, cancellationToken)
            : Acquire(new TryLock(key!) { Owner = Owner, Options = options }, RequestKind.TryLock, cancellationToken);
    }

    /// <summary>
    /// Takes <paramref name="key"/>, waiting in line (by priority, then first come, first served) for
    /// up to <see cref="LockOptions.Timeout"/> (the Elixir <c>await/3</c>).
    /// </summary>
    /// <param name="key">The key; any non-null value with value equality.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout; null for an exclusive lock and the manager's <see cref="LockManagerSettings.DefaultAwaitTimeout"/>.</param>
    /// <param name="cancellationToken">Withdraws the wait at the manager; a grant that crosses the cancellation is released.</param>
    /// <returns>The handle of the new lock.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The options can never be granted, naming the value.</exception>
    /// <exception cref="LockTimeoutException">The key was not granted in time.</exception>
    /// <exception cref="LockRefusedException">Refused: self-deadlock, a deadlock with other owners (<see cref="LockFailure.Deadlock"/>), a capacity mismatch, or the manager restarted, stopped or did not answer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or the wait was withdrawn by someone else.</exception>
    public Task<LockHandle> LockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= LockOptions.Exclusive;
        return CheckOne(key, options, nameof(LockAsync)) is { } error
            ? Task.FromException<LockHandle>(error)
            : Acquire(new Await(key) { Owner = Owner, Options = options }, RequestKind.Await, cancellationToken)!; // a grant or an exception
    }

    /// <summary>
    /// Takes every key at once if they can all be had within <see cref="LockOptions.Timeout"/> (by
    /// default one attempt): nothing is held unless all are granted together.
    /// </summary>
    /// <typeparam name="TKey">The keys' type.</typeparam>
    /// <param name="keys">Distinct, non-null keys (a list of them, not one string).</param>
    /// <param name="options">The terms on every key; null for exclusive locks tried once.</param>
    /// <param name="cancellationToken">Withdraws the request; a grant that crosses the cancellation is released.</param>
    /// <returns>A handle over all the keys (in the order given), or null when they were not granted in time.</returns>
    /// <exception cref="ArgumentException">The list is null, empty, a string, or has a null or duplicate key; or the options can never be granted.</exception>
    /// <exception cref="LockRefusedException">Refused: self-deadlock, a deadlock with other owners (<see cref="LockFailure.Deadlock"/>), a capacity mismatch, or the manager restarted, stopped or did not answer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<LockHandle?> TryLockAllAsync<TKey>(IEnumerable<TKey> keys, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= LockOptions.Exclusive;
        if (CheckAll(keys, options, nameof(TryLockAllAsync), out var list) is { } error)
        {
            return Task.FromException<LockHandle?>(error);
        }

        // One attempt is a wait with no time to wait: granted only if first in line and admitted on every key.
        var attempt = WaitsFor(options) ? options : options with { Timeout = TimeSpan.Zero };
        return Acquire(new AwaitAll(list) { Owner = Owner, Options = attempt }, RequestKind.TryAwait, cancellationToken);
    }

    /// <summary>
    /// Takes every key at once, atomically, waiting for up to <see cref="LockOptions.Timeout"/> (the
    /// Elixir <c>await_all/2</c>): nothing is held until all are granted together, so it never
    /// deadlocks against another multi-key lock, whatever the key order.
    /// </summary>
    /// <typeparam name="TKey">The keys' type.</typeparam>
    /// <param name="keys">Distinct, non-null keys (a list of them, not one string).</param>
    /// <param name="options">The terms on every key; null for exclusive locks and the manager's <see cref="LockManagerSettings.DefaultAwaitTimeout"/>.</param>
    /// <param name="cancellationToken">Withdraws the wait; a grant that crosses the cancellation is released.</param>
    /// <returns>A handle over all the keys, listed in the order given.</returns>
    /// <exception cref="ArgumentException">The list is null, empty, a string, or has a null or duplicate key; or the options can never be granted.</exception>
    /// <exception cref="LockTimeoutException">The keys were not granted in time.</exception>
    /// <exception cref="LockRefusedException">Refused: self-deadlock, a deadlock with other owners (<see cref="LockFailure.Deadlock"/>), a capacity mismatch, or the manager restarted, stopped or did not answer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<LockHandle> LockAllAsync<TKey>(IEnumerable<TKey> keys, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= LockOptions.Exclusive;
        return CheckAll(keys, options, nameof(LockAllAsync), out var list) is { } error
            ? Task.FromException<LockHandle>(error)
            : Acquire(new AwaitAll(list) { Owner = Owner, Options = options }, RequestKind.Await, cancellationToken)!; // a grant or an exception
    }

    /// <summary>Runs <paramref name="body"/> while holding <paramref name="key"/> (the Elixir <c>with_lock/4</c>).</summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="body">The work to do under the lock; never run if the lock is not granted.</param>
    /// <param name="options">As for <see cref="LockAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (not the body: pass it to the body yourself).</param>
    /// <returns>What the body returned.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    /// <remarks>
    /// The lock is released however the body ends; the body's own exception is rethrown unchanged.
    /// Inside the body, a request of this client for a key the body holds is refused at once with
    /// <see cref="LockFailure.SelfDeadlock"/> instead of waiting for itself.
    /// </remarks>
    public async Task<T> WithLockAsync<T>(object key, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await RunUnderAsync(await LockAsync(key, options, cancellationToken).ConfigureAwait(false), body).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> while holding <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="options">As for <see cref="LockAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public Task WithLockAsync(object key, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithLockAsync(key, AsFunc(body), options, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> while holding every key (the Elixir <c>with_lock_all/3</c>).</summary>
    /// <typeparam name="TKey">The keys' type.</typeparam>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="options">As for <see cref="LockAllAsync{TKey}"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What the body returned.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public async Task<T> WithLockAllAsync<TKey, T>(IEnumerable<TKey> keys, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await RunUnderAsync(await LockAllAsync(keys, options, cancellationToken).ConfigureAwait(false), body).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> while holding every key.</summary>
    /// <typeparam name="TKey">The keys' type.</typeparam>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="options">As for <see cref="LockAllAsync{TKey}"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public Task WithLockAllAsync<TKey>(IEnumerable<TKey> keys, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithLockAllAsync(keys, AsFunc(body), options, cancellationToken);
    }

    /// <summary>True when the options ask to wait (a positive or infinite timeout), not for one attempt.</summary>
    private static bool WaitsFor(LockOptions options) =>
        options.Timeout is { } timeout && (timeout > TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan);

    private Task<LockHandle?> Acquire(ILockTermsRequest request, RequestKind kind, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<LockHandle?>(cancellationToken)
            : LockTracing.Source.HasListeners()
                ? AcquireTracedAsync(request, kind, cancellationToken)
                : NewOwner().AcquireAsync(request, kind, cancellationToken);

    /// <summary>Why a one-key request must not be sent, or null.</summary>
    private Exception? CheckOne(object? key, LockOptions options, string verb)
    {
        if (key is null)
        {
            return new ArgumentNullException(nameof(key), $"{verb} was sent with a null key.");
        }

        // The key list of a message is built only when there is something to say.
        if (RequestRules.TermsProblem(options.Mode, options.Permits, options.Capacity) is not null)
        {
            return RequestRules.Options(options, verb, [key])!.Value.ToException(nameof(options));
        }

        return HeldInFlow.IsEmpty ? null : HeldInFlow.Refusal(this, [key], verb);
    }

    /// <summary>Why a multi-key request must not be sent, or null; <paramref name="list"/> is the snapshot of the keys to send.</summary>
    private Exception? CheckAll<TKey>(IEnumerable<TKey>? keys, LockOptions options, string verb, out object[] list)
    {
        list = [];
        if (keys is string)
        {
            return new ArgumentException($"{verb} was sent one string as its key list; pass a list of keys, or lock one key with {nameof(LockAsync)}.", nameof(keys));
        }

        if (keys is null)
        {
            return new ArgumentNullException(nameof(keys), $"{verb} was sent with a null key list.");
        }

        list = keys.Select(k => (object)k!).ToArray();
        return (Exception?)RequestRules.Keys(list, int.MaxValue, verb)?.ToException(nameof(keys))
            ?? (Exception?)RequestRules.Options(options, verb, list)?.ToException(nameof(options))
            ?? HeldInFlow.Refusal(this, list, verb);
    }

    private async Task<T> RunUnderAsync<T>(LockHandle handle, Func<LockHandle, Task<T>> body)
    {
        T result;
        using (HeldInFlow.Enter(this, handle.Keys))
        {
            try
            {
                result = await body(handle).ConfigureAwait(false);
            }
            catch
            {
                await handle.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        await handle.ReleaseAsync().ConfigureAwait(false);
        return result;
    }

    private static Func<LockHandle, Task<bool>> AsFunc(Func<LockHandle, Task> body) => async h =>
    {
        await body(h).ConfigureAwait(false);
        return true;
    };
}
