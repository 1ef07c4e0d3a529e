using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LockActors.Hosting;

/// <summary>
/// Registers an <see cref="ILockClient"/> for a manager started with
/// <see cref="LockManagerHostingExtensions.WithLockManager(AkkaConfigurationBuilder, string, Func{LockManagerSettings, LockManagerSettings}?)"/>.
/// The client can be resolved before the actor system has started: its first call waits until
/// the manager is registered (the call's token stops that wait), then every call goes to one
/// shared <see cref="LockClient"/>.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddAkka("app", akka =&gt; akka
///     .WithLockManager&lt;OrderLocks&gt;("order-locks")
///     .WithLockManager&lt;StockLocks&gt;("stock-locks"));
/// builder.Services.AddLockClient&lt;OrderLocks&gt;().AddLockClient&lt;StockLocks&gt;();
///
/// public sealed class Orders([FromKeyedServices(typeof(OrderLocks))] ILockClient locks) { … }
/// </code>
/// </example>
public static class LockClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ILockClient"/> of the manager registered under
    /// <see cref="LockManager"/> (the plain <c>WithLockManager(name)</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">The client's owner and timeouts; null for the defaults.</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddLockClient(this IServiceCollection services, LockClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton<ILockClient>(sp =>
            new HostedLockClient<LockManager>(sp.GetRequiredService<IRequiredActor<LockManager>>(), options));
    }

    /// <summary>
    /// Registers a singleton <see cref="ILockClient"/> of the manager registered under
    /// <typeparamref name="TKey"/> (<c>WithLockManager&lt;TKey&gt;(name)</c>), as a keyed service
    /// whose key is <c>typeof(TKey)</c>: inject it with <c>[FromKeyedServices(typeof(TKey))]</c>.
    /// </summary>
    /// <typeparam name="TKey">The key the manager is registered under.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="options">The client's owner and timeouts; null for the defaults.</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddLockClient<TKey>(this IServiceCollection services, LockClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddKeyedSingleton<ILockClient>(typeof(TKey), (sp, _) =>
            new HostedLockClient<TKey>(sp.GetRequiredService<IRequiredActor<TKey>>(), options));
    }
}
