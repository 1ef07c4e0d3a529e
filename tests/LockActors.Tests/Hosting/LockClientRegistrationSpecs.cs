// Guarantee: AddLockClient gives a ready ILockClient that can be resolved before the actor system
// has started and works once it has; managers registered under their own keys run side by side in
// one actor system, each reached through its keyed client; and code written against ILockClient
// runs with a fake in place of the real client.

using Akka.Actor;
using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace LockActors.Tests.Hosting;

public sealed class LockClientRegistrationSpecs
{
    [Fact]
    public async Task A_client_resolved_before_the_host_starts_works_after_it_has_started()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services
                .AddAkka("early", akka => akka.WithLockManager("locks", s => s with { Metadata = "orders-db" }))
                .AddLockClient())
            .Build();
        var locks = host.Services.GetRequiredService<ILockClient>();

        // The first call waits for the manager: it completes only after the host has started it.
        var first = locks.TryLockAsync("order:1");
        await host.StartAsync();
        try
        {
            await using var handle = await first;
            Assert.NotNull(handle);
            Assert.Equal("order:1", handle.Key);
            Assert.Equal("orders-db", handle.Grant.Metadata);
            Assert.Same(locks, host.Services.GetRequiredService<ILockClient>());
            Assert.Equal(handle.Owner, await locks.WhereIsAsync("order:1"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Managers_under_their_own_keys_are_independent_and_each_keyed_client_reaches_its_own()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services
                .AddAkka("two-managers", akka => akka
                    .WithLockManager<OrderLocks>("order-locks", s => s with { Metadata = "orders" })
                    .WithLockManager<StockLocks>("stock-locks", s => s with { Metadata = "stock" }))
                .AddLockClient<OrderLocks>()
                .AddLockClient<StockLocks>())
            .Build();
        var orders = host.Services.GetRequiredKeyedService<ILockClient>(typeof(OrderLocks));
        var stock = host.Services.GetRequiredKeyedService<ILockClient>(typeof(StockLocks));
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var registry = ActorRegistry.For(system);
            Assert.NotEqual(registry.Get<OrderLocks>(), registry.Get<StockLocks>());
            Assert.Equal("orders", await orders.GetMetaAsync());
            Assert.Equal("stock", await stock.GetMetaAsync());

            await using var held = await orders.TryLockAsync("item:7");
            Assert.NotNull(held);

            // The same key is free at the other manager, and still busy at the first.
            await using var other = await stock.TryLockAsync("item:7");
            Assert.NotNull(other);
            Assert.Null(await orders.TryLockAsync("item:7"));
            Assert.Equal(held.Owner, (await orders.InspectAsync("item:7")).Owner);
            Assert.Equal(other.Owner, (await stock.InspectAsync("item:7")).Owner);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_fake_client_stands_in_for_the_real_one()
    {
        var fake = new BusyEverywhere();
        var inventory = new Inventory(fake);

        Assert.False(await inventory.TryReserveAsync("item:7"));
        Assert.Equal(["item:7"], fake.Asked);
    }

    private sealed class OrderLocks;

    private sealed class StockLocks;

    /// <summary>User code that depends only on <see cref="ILockClient"/>.</summary>
    private sealed class Inventory(ILockClient locks)
    {
        public async Task<bool> TryReserveAsync(string item)
        {
            await using var handle = await locks.TryLockAsync(item);
            return handle is not null;
        }
    }

    /// <summary>A fake that reports every key busy and records what it was asked.</summary>
    private sealed class BusyEverywhere : ILockClient
    {
        public List<object> Asked { get; } = [];

        public Task<LockHandle?> TryLockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default)
        {
            Asked.Add(key);
            return Task.FromResult<LockHandle?>(null);
        }

        public Task<LockHandle> LockAsync(object key, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<LockHandle?> TryLockAllAsync<TKey>(IEnumerable<TKey> keys, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<LockHandle> LockAllAsync<TKey>(IEnumerable<TKey> keys, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<T> WithLockAsync<T>(object key, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task WithLockAsync(object key, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<T> WithLockAllAsync<TKey, T>(IEnumerable<TKey> keys, Func<LockHandle, Task<T>> body, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task WithLockAllAsync<TKey>(IEnumerable<TKey> keys, Func<LockHandle, Task> body, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<object>> GoodbyeAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IActorRef?> WhereIsAsync(object key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<object?> GetMetaAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<KeyStatus> InspectAsync(object key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<LockList> ListLocksAsync(string? keyPrefix = null, string? after = null, int pageSize = ListLocks.DefaultPageSize, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<HotKeys> GetHotKeysAsync(int count = GetHotKeys.DefaultCount, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<WaitGraph> GetWaitGraphAsync(int maxEdges = GetWaitGraph.DefaultMaxEdges, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
