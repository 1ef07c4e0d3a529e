using Akka.Actor;
using Akka.Hosting;

namespace LockActors.Hosting;

/// <summary>
/// The <see cref="ILockClient"/> that dependency injection hands out: it waits for the manager
/// registered under <typeparamref name="TKey"/> on first use, so it can be resolved before the
/// actor system has started, and then passes every call to one <see cref="LockClient"/>.
/// </summary>
/// <typeparam name="TKey">The key the manager is registered under in the <see cref="ActorRegistry"/>.</typeparam>
internal sealed class HostedLockClient<TKey> : ILockClient
{
    private readonly Lazy<Task<LockClient>> _client;

    public HostedLockClient(IRequiredActor<TKey> manager, LockClientOptions? options)
    {
        // One wait for the registry whatever the callers' tokens; each caller stops waiting on its own token.
        _client = new Lazy<Task<LockClient>>(async () =>
            new LockClient(await manager.GetAsync(CancellationToken.None).ConfigureAwait(false), options));
    }

    public async Task<LockHandle?> TryLockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).TryLockAsync(key, options, cancellationToken).ConfigureAwait(false);

    public async Task<LockHandle> LockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).LockAsync(key, options, cancellationToken).ConfigureAwait(false);

    public async Task<LockHandle?> TryLockAllAsync<TKeys>(IEnumerable<TKeys> keys, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).TryLockAllAsync(keys, options, cancellationToken).ConfigureAwait(false);

    public async Task<LockHandle> LockAllAsync<TKeys>(IEnumerable<TKeys> keys, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).LockAllAsync(keys, options, cancellationToken).ConfigureAwait(false);

    public async Task<T> WithLockAsync<T>(object key, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).WithLockAsync(key, body, options, cancellationToken).ConfigureAwait(false);

    public async Task WithLockAsync(object key, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).WithLockAsync(key, body, options, cancellationToken).ConfigureAwait(false);

    public async Task<T> WithLockAllAsync<TKeys, T>(IEnumerable<TKeys> keys, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).WithLockAllAsync(keys, body, options, cancellationToken).ConfigureAwait(false);

    public async Task WithLockAllAsync<TKeys>(IEnumerable<TKeys> keys, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).WithLockAllAsync(keys, body, options, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<object>> GoodbyeAsync(CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).GoodbyeAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IActorRef?> WhereIsAsync(object key, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).WhereIsAsync(key, cancellationToken).ConfigureAwait(false);

    public async Task<object?> GetMetaAsync(CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).GetMetaAsync(cancellationToken).ConfigureAwait(false);

    public async Task<KeyStatus> InspectAsync(object key, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).InspectAsync(key, cancellationToken).ConfigureAwait(false);

    public async Task<LockList> ListLocksAsync(string? keyPrefix = null, string? after = null, int pageSize = ListLocks.DefaultPageSize, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).ListLocksAsync(keyPrefix, after, pageSize, cancellationToken).ConfigureAwait(false);

    public async Task<HotKeys> GetHotKeysAsync(int count = GetHotKeys.DefaultCount, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).GetHotKeysAsync(count, cancellationToken).ConfigureAwait(false);

    public async Task<WaitGraph> GetWaitGraphAsync(int maxEdges = GetWaitGraph.DefaultMaxEdges, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).GetWaitGraphAsync(maxEdges, cancellationToken).ConfigureAwait(false);

    /// <summary>The client, once the manager is registered; <paramref name="cancellationToken"/> stops only this caller's wait.</summary>
    private async Task<LockClient> ClientAsync(CancellationToken cancellationToken) =>
        await _client.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
}
