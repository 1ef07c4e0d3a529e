using Akka.Actor;
using LockActors.Client;
using Microsoft.Extensions.ObjectPool;

namespace LockActors;

/// <summary>
/// Async access to a <see cref="LockManager"/> for ordinary code and for actors that prefer
/// <c>await</c>. Thread-safe; create one per manager (and per owner) and share it.
/// </summary>
/// <example>
/// <code>
/// var client = new LockClient(locks);
/// await using (var handle = await client.LockAsync("user:1"))
/// {
///     // exclusive access to user:1; handle.FencingToken guards writes
/// }
/// var total = await client.WithLockAllAsync(["acct:a", "acct:b"], h => TransferAsync(h.FencingToken));
/// </code>
/// </example>
public sealed partial class LockClient : ILockClient
{
    /// <summary>Creates a client for the manager <paramref name="locks"/>.</summary>
    /// <param name="locks">The manager (or a reference that forwards to it).</param>
    /// <param name="options">Owner and timeouts; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="locks"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="locks"/> is not a reference of a running actor system.</exception>
    public LockClient(IActorRef locks, LockClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(locks);
        if (locks is not IInternalActorRef { Provider: { } provider } || locks.IsNobody())
        {
            throw new ArgumentException($"{locks} is not a lock manager reference of a running actor system.", nameof(locks));
        }

        options ??= LockClientOptions.Default;
        _owners = new DefaultObjectPoolProvider { MaximumRetained = KeptOwners }.Create(new OwnerPolicy(this, provider));
        Timeouts = new RequestTimeouts(options.RequestTimeout);
        Manager = locks;
        Owner = options.Owner;
        RequestTimeout = options.RequestTimeout;
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

    /// <summary>
    /// Releases every lock this client holds: each handle still held, oldest grant first, with its
    /// grant. With an explicit <see cref="LockClientOptions.Owner"/>, locks that owner took by other
    /// means are left alone: only the owner itself may release keys without presenting their grant
    /// (it can send <see cref="Goodbye"/> itself).
    /// </summary>
    /// <returns>The keys that were released, handle by handle, oldest grant first, each handle's keys as requested.</returns>
    /// <param name="cancellationToken">Stops waiting: the release already sent goes ahead, the handles not reached yet stay held.</param>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<object>> GoodbyeAsync(CancellationToken cancellationToken = default)
    {
        var released = new List<object>();
        foreach (var handle in HeldHandles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await handle.ReleaseAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    public async Task<IActorRef?> WhereIsAsync(object key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (await AskAsync<KeyOwner>(new WhereIs(key), [key], cancellationToken).ConfigureAwait(false)).Owner;
    }

    /// <summary>The manager's configured metadata (<see cref="LockManagerSettings.Metadata"/>).</summary>
    /// <returns>The metadata, possibly null.</returns>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    public async Task<object?> GetMetaAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<ManagerMeta>(GetMeta.Instance, [], cancellationToken).ConfigureAwait(false)).Metadata;

    /// <summary>Owner, fencing token and waiters of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's status.</returns>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <exception cref="LockRefusedException">The manager did not answer within <see cref="RequestTimeout"/> (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    public async Task<KeyStatus> InspectAsync(object key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await AskAsync<KeyStatus>(new Inspect(key), [key], cancellationToken).ConfigureAwait(false);
    }

    // -----------------------------------------------------------------------------------

    /// <summary>Asks the manager and expects a <typeparamref name="T"/>; a refusal or silence becomes the exception for <paramref name="keys"/>.</summary>
    private async Task<T> AskAsync<T>(object request, IReadOnlyList<object> keys, CancellationToken cancellationToken)
    {
        object reply;
        try
        {
            reply = await Manager.Ask<object>(request, RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new LockRefusedException(keys, LockFailure.ManagerUnavailable,
                $"The lock manager {Manager.Path} did not answer {request.GetType().Name} within {RequestTimeout}.");
        }

        return reply switch
        {
            T expected => expected,
            LockRefused refused => throw Refusal(refused, keys),
            _ => throw new InvalidOperationException($"The lock manager {Manager.Path} answered with an unexpected {reply.GetType().Name}: {KeyText.Of(reply)}."),
        };
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
    internal Exception Failure(object reply, IReadOnlyList<object> keys) => reply switch
    {
        LockTimedOut timedOut => new LockTimeoutException(timedOut.Keys),
        AwaitCancelled cancelled => new OperationCanceledException($"The wait for {KeyText.OfAll(cancelled.Keys)} was withdrawn."),
        LockRefused refused => Refusal(refused, keys),
        _ => new InvalidOperationException($"The lock manager {Manager.Path} answered with an unexpected {reply.GetType().Name}: {KeyText.Of(reply)}."),
    };

    /// <summary>What a refusal of a request for <paramref name="keys"/> means to its caller.</summary>
    internal static Exception Refusal(LockRefused refused, IReadOnlyList<object> keys) => refused.Cause switch
    {
        RefusalReason.InvalidRequest or RefusalReason.DuplicateKey => new ArgumentException(refused.Message),
        _ => new LockRefusedException(keys, refused),
    };
}
