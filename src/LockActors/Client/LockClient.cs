using Akka.Actor;
using LockActors.Client;
using Microsoft.Extensions.ObjectPool;

namespace LockActors;

/// <summary>Options of a <see cref="LockClient"/>.</summary>
public sealed class LockClientOptions
{
    /// <summary>The default of <see cref="RequestTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest <see cref="RequestTimeout"/>: 4,294,967,294 ms (about 49.7 days), the longest a .NET timer waits.</summary>
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// The actor that owns every lock this client takes (typically <c>Self</c> inside an actor).
    /// When null, each handle gets its own lightweight owner (an actor reference the manager watches,
    /// not an actor), so two handles of one client that are held at the same time are independent.
    /// Once a handle's lock has ended cleanly (released or given away, as the manager confirmed) its
    /// owner holds nothing and may serve a later handle of the same client; an owner whose lock ended
    /// otherwise (a time-out, a cancellation, a loss) is stopped, so the manager frees what it held.
    /// </summary>
    /// <remarks>
    /// The manager tells waits apart by owner and key: with an explicit owner, cancelling one wait
    /// also withdraws that owner's other pending waits on the same keys (each gets
    /// <see cref="OperationCanceledException"/>).
    /// </remarks>
    public IActorRef? Owner { get; init; }

    /// <summary>
    /// How long to wait for the answer to a request that does not wait for a lock (try-lock,
    /// release, give-away, where-is…). Null means <see cref="DefaultRequestTimeout"/>; at most
    /// <see cref="MaxRequestTimeout"/>.
    /// </summary>
    /// <remarks>
    /// One clock serves all of a client's try-locks, releases and give-aways: such a request fails
    /// with <see cref="TimeoutException"/> no sooner than this after it was sent (to within the
    /// system tick, a few milliseconds), and at most a quarter of it later (on a machine that runs
    /// the clock's timer on time).
    /// </remarks>
    public TimeSpan? RequestTimeout { get; init; }
}

/// <summary>
/// Async access to a <see cref="LockManager"/> for ordinary code and for actors that prefer
/// <c>await</c>. Thread-safe; create one per manager (and per owner) and share it.
/// </summary>
/// <example>
/// <code>
/// var client = new LockClient(locks);
/// await using (var handle = await client.AwaitAsync("user:1"))
/// {
///     // exclusive access to user:1; handle.FencingToken guards writes
/// }
/// var total = await client.WithLockAllAsync(["acct:a", "acct:b"], h => TransferAsync(h.FencingToken));
/// </code>
/// </example>
public sealed partial class LockClient
{
    /// <summary>Creates a client for the manager <paramref name="locks"/>.</summary>
    /// <param name="locks">The manager (or a reference that forwards to it).</param>
    /// <param name="options">Owner and timeouts; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="locks"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="locks"/> is not a reference of a running actor system, or the request timeout is not positive or above <see cref="LockClientOptions.MaxRequestTimeout"/>.</exception>
    public LockClient(IActorRef locks, LockClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(locks);
        if (locks is not IInternalActorRef { Provider: { } provider } || locks.IsNobody())
        {
            throw new ArgumentException($"{locks} is not a lock manager reference of a running actor system.", nameof(locks));
        }

        options ??= new LockClientOptions();
        var timeout = options.RequestTimeout ?? LockClientOptions.DefaultRequestTimeout;
        if (timeout <= TimeSpan.Zero || timeout > LockClientOptions.MaxRequestTimeout)
        {
            throw new ArgumentException(
                $"RequestTimeout must be positive and at most {LockClientOptions.MaxRequestTimeout}, got {timeout}.", nameof(options));
        }

        if (options.Owner is { } owner && owner.IsNobody())
        {
            throw new ArgumentException($"Owner {owner} is no actor.", nameof(options));
        }

        _owners = new DefaultObjectPoolProvider { MaximumRetained = KeptOwners }.Create(new OwnerPolicy(this, provider));
        Timeouts = new RequestTimeouts(timeout);
        Manager = locks;
        Owner = options.Owner;
        RequestTimeout = timeout;
        ManagerWatches.Add(this, locks, provider);
    }

    /// <summary>The manager this client talks to.</summary>
    public IActorRef Manager { get; }

    /// <summary>The explicit owner of this client's locks, or null when each handle has its own.</summary>
    public IActorRef? Owner { get; }

    /// <summary>How long a request that does not wait for a lock may take.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The clock of this client's requests that do not wait for a lock.</summary>
    internal RequestTimeouts Timeouts { get; }

    /// <summary>Takes <paramref name="key"/> if it is free right now (the Elixir <c>lock/2</c>).</summary>
    /// <param name="key">The key; any non-null value with value equality.</param>
    /// <param name="ct">Cancels the request; a grant that arrives afterwards is released.</param>
    /// <returns>The handle, or null when the key is held or promised to a waiter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public Task<LockHandle?> TryLockAsync(object key, CancellationToken ct = default) =>
        TryLockAsync(key, LockOptions.Exclusive, ct);

    /// <summary>Takes <paramref name="key"/> now or throws (the Elixir <c>lock!/2</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <returns>The handle of the new lock.</returns>
    /// <exception cref="LockBusyException">The key is held (the exception names the owner) or promised to a waiter.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    public Task<LockHandle> LockAsync(object key, CancellationToken ct = default) =>
        LockAsync(key, LockOptions.Exclusive, ct);

    /// <summary>Waits in line for <paramref name="key"/> (the Elixir <c>await/3</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="timeout">Null for the manager's default (5 s unless configured), <see cref="Timeout.InfiniteTimeSpan"/> to wait forever, zero or negative for one attempt.</param>
    /// <param name="ct">Withdraws the wait at the manager; a grant that crossed the cancellation is released.</param>
    /// <returns>The handle of the new lock.</returns>
    /// <exception cref="LockTimeoutException">The key was not granted in time.</exception>
    /// <exception cref="LockRefusedException">The owner already holds the key (<see cref="RefusalReason.SelfDeadlock"/>), or the manager restarted.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled, or the wait was withdrawn by someone else.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public Task<LockHandle> AwaitAsync(object key, TimeSpan? timeout = null, CancellationToken ct = default) =>
        key is null ? Task.FromException<LockHandle>(new ArgumentNullException(nameof(key)))
        : ct.IsCancellationRequested ? Task.FromCanceled<LockHandle>(ct)
        : NewOwner().AcquireAsync(new Await(key, timeout) { Owner = Owner }, RequestKind.Await, ct)!; // never null

    /// <summary>
    /// Waits for every key at once (the Elixir <c>await_all/2</c>): nothing is held until all are
    /// granted together, so it never deadlocks against another <c>AwaitAllAsync</c>.
    /// </summary>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="timeout">Null for the manager's default (infinite unless configured).</param>
    /// <param name="ct">Withdraws the wait; a grant that crossed the cancellation is released.</param>
    /// <returns>A handle over all the keys, listed in the order given.</returns>
    /// <exception cref="ArgumentException">The list is null, empty, contains a null or a duplicate key (thrown before anything is locked), or is longer than the manager allows.</exception>
    /// <exception cref="LockTimeoutException">The keys were not granted in time.</exception>
    /// <exception cref="LockRefusedException">The owner already holds one of the keys, or the manager restarted.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public Task<LockHandle> AwaitAllAsync(IEnumerable<object> keys, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        object[] list;
        try
        {
            list = CheckedKeys(keys);
        }
        catch (ArgumentException e)
        {
            return Task.FromException<LockHandle>(e);
        }

        return ct.IsCancellationRequested
            ? Task.FromCanceled<LockHandle>(ct)
            : NewOwner().AcquireAsync(new AwaitAll(list, timeout) { Owner = Owner }, RequestKind.Await, ct)!; // never null
    }

    /// <summary>Runs <paramref name="body"/> while holding <paramref name="key"/> (the Elixir <c>with_lock/4</c>).</summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="body">The work to do under the lock; never run if the lock is not granted.</param>
    /// <param name="timeout">As for <see cref="AwaitAsync(object, TimeSpan?, CancellationToken)"/>.</param>
    /// <param name="ct">Cancels the wait (not the body: pass it to the body yourself).</param>
    /// <returns>What the body returned.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    /// <remarks>The lock is released however the body ends; the body's own exception is rethrown unchanged.</remarks>
    public async Task<T> WithLockAsync<T>(object key, Func<LockHandle, Task<T>> body, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await RunUnderAsync(await AwaitAsync(key, timeout, ct).ConfigureAwait(false), body).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> while holding <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="timeout">As for <see cref="AwaitAsync(object, TimeSpan?, CancellationToken)"/>.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public Task WithLockAsync(object key, Func<LockHandle, Task> body, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithLockAsync(key, AsFunc(body), timeout, ct);
    }

    /// <summary>Runs <paramref name="body"/> while holding every key in <paramref name="keys"/> (the Elixir <c>with_lock_all/3</c>).</summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="timeout">As for <see cref="AwaitAllAsync(IEnumerable{object}, TimeSpan?, CancellationToken)"/>.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>What the body returned.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public async Task<T> WithLockAllAsync<T>(IEnumerable<object> keys, Func<LockHandle, Task<T>> body, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await RunUnderAsync(await AwaitAllAsync(keys, timeout, ct).ConfigureAwait(false), body).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> while holding every key in <paramref name="keys"/>.</summary>
    /// <param name="keys">Distinct, non-null keys.</param>
    /// <param name="body">The work to do under the lock.</param>
    /// <param name="timeout">As for <see cref="AwaitAllAsync(IEnumerable{object}, TimeSpan?, CancellationToken)"/>.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>A task that completes when the body has run and the lock is released.</returns>
    /// <exception cref="ReleaseException">The body succeeded but the lock had been lost meanwhile.</exception>
    public Task WithLockAllAsync(IEnumerable<object> keys, Func<LockHandle, Task> body, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithLockAllAsync(keys, AsFunc(body), timeout, ct);
    }

    /// <summary>
    /// Releases everything: with an explicit <see cref="LockClientOptions.Owner"/>, every key that
    /// owner holds (the Elixir <c>goodbye/1</c>); otherwise every handle of this client still held,
    /// oldest grant first.
    /// </summary>
    /// <returns>The keys that were released (without an explicit owner: handle by handle, oldest grant first, each handle's keys as requested).</returns>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    public async Task<IReadOnlyList<object>> GoodbyeAsync()
    {
        if (Owner is not null)
        {
            var done = Expect<GoodbyeDone>(await AskAsync(new Goodbye { Owner = Owner }).ConfigureAwait(false));
            foreach (var handle in HeldHandles())
            {
                handle.MarkReleasedByGoodbye();
            }

            return done.Keys;
        }

        var released = new List<object>();
        foreach (var handle in HeldHandles())
        {
            try
            {
                await handle.ReleaseAsync().ConfigureAwait(false);
                released.AddRange(handle.Keys);
            }
            catch (ReleaseException)
            {
                // Released or given away concurrently, or lost: nothing left to release.
            }
        }

        return released;
    }

    /// <summary>Who holds <paramref name="key"/> (the Elixir <c>whereis_name/1</c>).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The owner, or null when the key is free.</returns>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    public async Task<IActorRef?> WhereIsAsync(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Expect<KeyOwner>(await AskAsync(new WhereIs(key)).ConfigureAwait(false)).Owner;
    }

    /// <summary>The manager's configured metadata (<see cref="LockManagerSettings.Metadata"/>).</summary>
    /// <returns>The metadata, possibly null.</returns>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    public async Task<object?> GetMetaAsync() =>
        Expect<ManagerMeta>(await AskAsync(GetMeta.Instance).ConfigureAwait(false)).Metadata;

    /// <summary>Owner, fencing token and waiters of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's status.</returns>
    /// <exception cref="TimeoutException">The manager did not answer within <see cref="RequestTimeout"/>.</exception>
    public async Task<KeyStatus> InspectAsync(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Expect<KeyStatus>(await AskAsync(new Inspect(key)).ConfigureAwait(false));
    }

    // -----------------------------------------------------------------------------------

    internal async Task<object> AskAsync(object request)
    {
        try
        {
            return await Manager.Ask<object>(request, RequestTimeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException(
                $"The lock manager {Manager.Path} did not answer {request.GetType().Name} within {RequestTimeout}.", e);
        }
    }

    /// <summary>The handles of this client held right now, oldest grant first (fencing tokens only grow).</summary>
    private List<LockHandle> HeldHandles()
    {
        var held = new List<LockHandle>();
        foreach (var (owner, _) in _refs)
        {
            if (owner.Handle is { IsHeld: true } handle)
            {
                held.Add(handle);
            }
        }

        held.Sort((a, b) => a.FencingToken.CompareTo(b.FencingToken));
        return held;
    }

    /// <summary>
    /// What a reply other than a grant or busy means to the caller of an acquire. Built on the
    /// manager's thread, so nothing here may throw (a key's own ToString included).
    /// </summary>
    internal Exception Failure(object reply) => reply switch
    {
        LockTimedOut timedOut => new LockTimeoutException(timedOut.Keys),
        AwaitCancelled cancelled => new OperationCanceledException($"The wait for {KeyText.OfAll(cancelled.Keys)} was withdrawn."),
        LockRefused refused => Refusal(refused),
        _ => new InvalidOperationException($"The lock manager {Manager.Path} answered with an unexpected {reply.GetType().Name}: {KeyText.Of(reply)}."),
    };

    internal static Exception Refusal(LockRefused refused) => refused.Reason switch
    {
        RefusalReason.InvalidRequest or RefusalReason.DuplicateKey => new ArgumentException(refused.Message),
        _ => new LockRefusedException(refused.Key, refused.Reason, refused.Message),
    };

    private T Expect<T>(object reply) => reply switch
    {
        T expected => expected,
        LockRefused refused => throw Refusal(refused),
        _ => throw new InvalidOperationException($"The lock manager {Manager.Path} answered with an unexpected {reply.GetType().Name}: {reply}."),
    };

    private static async Task<T> RunUnderAsync<T>(LockHandle handle, Func<LockHandle, Task<T>> body)
    {
        T result;
        try
        {
            result = await body(handle).ConfigureAwait(false);
        }
        catch
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await handle.ReleaseAsync().ConfigureAwait(false);
        return result;
    }

    private static Func<LockHandle, Task<bool>> AsFunc(Func<LockHandle, Task> body) => async h =>
    {
        await body(h).ConfigureAwait(false);
        return true;
    };

    private static object[] CheckedKeys(IEnumerable<object> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("The key list is empty; give at least one key.", nameof(keys));
        }

        var seen = new HashSet<object>();
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"The key at position {i} is null.", nameof(keys));
            }

            if (!seen.Add(list[i]))
            {
                throw new ArgumentException($"Key {KeyText.Of(list[i])} appears more than once; keys must be unique.", nameof(keys));
            }
        }

        return list;
    }
}
