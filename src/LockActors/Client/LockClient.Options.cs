using LockActors.Client;

namespace LockActors;

// The overloads that take LockOptions: shared locks, semaphore permits and priorities.
public sealed partial class LockClient
{
    /// <summary>Takes <paramref name="key"/> on the terms of <paramref name="options"/> if it can be had right now.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits and capacity (priority and timeout do not apply: try-lock never waits).</param>
    /// <param name="ct">Cancels the request; a grant that arrives afterwards is released.</param>
    /// <returns>The handle, or null when the key is busy or somebody waits for it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options can never be granted (e.g. permits above capacity), naming the value.</exception>
    /// <exception cref="LockRefusedException">The key is in use with another capacity (<see cref="RefusalReason.CapacityMismatch"/>).</exception>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    public Task<LockHandle?> TryLockAsync(object key, LockOptions options, CancellationToken ct = default) =>
        Invalid(key, options) is { } error ? Task.FromException<LockHandle?>(error)
        : ct.IsCancellationRequested ? Task.FromCanceled<LockHandle?>(ct)
        : NewOwner().AcquireAsync(TryLockWith(key, options), RequestKind.TryLock, ct);

    /// <summary>Takes <paramref name="key"/> on the terms of <paramref name="options"/> now, or throws.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits and capacity.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <returns>The handle of the new lock.</returns>
    /// <exception cref="LockBusyException">The key is busy (the exception names a holder) or somebody waits for it.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options can never be granted, naming the value.</exception>
    /// <exception cref="LockRefusedException">The key is in use with another capacity.</exception>
    public Task<LockHandle> LockAsync(object key, LockOptions options, CancellationToken ct = default) =>
        Invalid(key, options) is { } error ? Task.FromException<LockHandle>(error)
        : ct.IsCancellationRequested ? Task.FromCanceled<LockHandle>(ct)
        : NewOwner().AcquireAsync(TryLockWith(key, options), RequestKind.Lock, ct)!; // never null: busy throws

    /// <summary>Waits in line for <paramref name="key"/> on the terms of <paramref name="options"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout.</param>
    /// <param name="ct">Withdraws the wait at the manager; a grant that crossed the cancellation is released.</param>
    /// <returns>The handle of the new lock.</returns>
    /// <exception cref="LockTimeoutException">The key was not granted in time.</exception>
    /// <exception cref="LockRefusedException">Self-deadlock, a capacity mismatch, or the manager restarted.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled, or the wait was withdrawn by someone else.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options can never be granted, naming the value.</exception>
    public Task<LockHandle> AwaitAsync(object key, LockOptions options, CancellationToken ct = default)
    {
        if (Invalid(key, options) is { } error)
        {
            return Task.FromException<LockHandle>(error);
        }

        var request = new Await(key) { Owner = Owner, Options = options };
        return ct.IsCancellationRequested
            ? Task.FromCanceled<LockHandle>(ct)
            : NewOwner().AcquireAsync(request, RequestKind.Await, ct)!; // never null
    }

    /// <summary>Waits for every key at once, on the terms of <paramref name="options"/> for each key.</summary>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="options">Mode, permits, capacity (the same for every key), priority and timeout.</param>
    /// <param name="ct">Withdraws the wait; a grant that crossed the cancellation is released.</param>
    /// <returns>A handle over all the keys, listed in the order given.</returns>
    /// <exception cref="ArgumentException">The key list is null, empty or has a null or duplicate key, or the options can never be granted.</exception>
    /// <exception cref="LockTimeoutException">The keys were not granted in time.</exception>
    /// <exception cref="LockRefusedException">Self-deadlock, a capacity mismatch, or the manager restarted.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public Task<LockHandle> AwaitAllAsync(IEnumerable<object> keys, LockOptions options, CancellationToken ct = default)
    {
        object[] list;
        try
        {
            ArgumentNullException.ThrowIfNull(options);
            list = CheckedKeys(keys);
        }
        catch (ArgumentException e)
        {
            return Task.FromException<LockHandle>(e);
        }

        if (Invalid(list[0], options) is { } error)
        {
            return Task.FromException<LockHandle>(error);
        }

        var request = new AwaitAll(list) { Owner = Owner, Options = options };
        return ct.IsCancellationRequested
            ? Task.FromCanceled<LockHandle>(ct)
            : NewOwner().AcquireAsync(request, RequestKind.Await, ct)!; // never null
    }

    /// <summary>Runs <paramref name="body"/> while holding <paramref name="key"/> on the terms of <paramref name="options"/>.</summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout.</param>
    /// <param name="body">The work to do under the lock; never run if the lock is not granted.</param>
    /// <param name="ct">Cancels the wait (not the body).</param>
    /// <returns>What the body returned.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    /// <remarks>The lock is released however the body ends; the body's own exception is rethrown unchanged.</remarks>
    public async Task<T> WithLockAsync<T>(object key, LockOptions options, Func<LockHandle, Task<T>> body, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await RunUnderAsync(await AwaitAsync(key, options, ct).ConfigureAwait(false), body).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> while holding <paramref name="key"/> on the terms of <paramref name="options"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public Task WithLockAsync(object key, LockOptions options, Func<LockHandle, Task> body, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithLockAsync(key, options, AsFunc(body), ct);
    }

    /// <summary>Runs <paramref name="body"/> while holding every key, on the terms of <paramref name="options"/>.</summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>What the body returned.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public async Task<T> WithLockAllAsync<T>(IEnumerable<object> keys, LockOptions options, Func<LockHandle, Task<T>> body, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await RunUnderAsync(await AwaitAllAsync(keys, options, ct).ConfigureAwait(false), body).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> while holding every key, on the terms of <paramref name="options"/>.</summary>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="options">Mode, permits, capacity, priority and timeout.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public Task WithLockAllAsync(IEnumerable<object> keys, LockOptions options, Func<LockHandle, Task> body, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithLockAllAsync(keys, options, AsFunc(body), ct);
    }

    private TryLock TryLockWith(object key, LockOptions options) => new(key) { Owner = Owner, Options = options };

    private static ArgumentException? Invalid(object? key, LockOptions? options) =>
        key is null ? new ArgumentNullException(nameof(key))
        : options is null ? new ArgumentNullException(nameof(options))
        : Validation.RequestRules.TermsProblem(options.Mode, options.Permits, options.Capacity) is { } problem
            ? new ArgumentException($"Invalid lock options: {problem}.", nameof(options))
            : null;
}
