using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LockActors.AspNetCore;

/// <summary>
/// Adds a health check of a lock manager started with LockActors.Hosting's <c>WithLockManager</c>:
/// healthy when the manager answers a cheap request within a bound.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddAkka("app", akka =&gt; akka.WithLockManager("locks"));
/// builder.Services.AddHealthChecks().AddLockManager();
/// …
/// app.MapHealthChecks("/healthz");
/// </code>
/// </example>
public static class LockManagerHealthChecksBuilderExtensions
{
    /// <summary>The name of the check when none is given.</summary>
    public const string DefaultName = "lockactors";

    /// <summary>The bound when none is given: the manager answers in well under a millisecond when it is alive and not flooded.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Adds a check of the manager registered under <see cref="LockManager"/> (the plain
    /// <c>WithLockManager(name)</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name in the report; <see cref="DefaultName"/> when null.</param>
    /// <param name="failureStatus">The status reported when the manager does not answer in time or is stopped; <see cref="HealthStatus.Unhealthy"/> when null.</param>
    /// <param name="tags">Tags to filter checks by (for instance <c>"ready"</c>); none when null.</param>
    /// <param name="timeout">How long the manager has to answer, including the wait for the actor system to register it; <see cref="DefaultTimeout"/> when null.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative or infinite.</exception>
    public static IHealthChecksBuilder AddLockManager(this IHealthChecksBuilder builder, string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.AddLockManager<LockManager>(name, failureStatus, tags, timeout);

    /// <summary>
    /// Adds a check of the manager registered under <typeparamref name="TKey"/>
    /// (<c>WithLockManager&lt;TKey&gt;(name)</c>).
    /// </summary>
    /// <typeparam name="TKey">The key the manager is registered under.</typeparam>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name in the report; <see cref="DefaultName"/> when null (give each manager its own name).</param>
    /// <param name="failureStatus">The status reported when the manager does not answer in time or is stopped; <see cref="HealthStatus.Unhealthy"/> when null.</param>
    /// <param name="tags">Tags to filter checks by; none when null.</param>
    /// <param name="timeout">How long the manager has to answer, including the wait for the actor system to register it; <see cref="DefaultTimeout"/> when null.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative or infinite.</exception>
    public static IHealthChecksBuilder AddLockManager<TKey>(this IHealthChecksBuilder builder, string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var bound = timeout ?? DefaultTimeout;
        if (bound <= TimeSpan.Zero || bound == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout,
                $"The health check's timeout must be positive and finite; {bound} is not.");
        }

        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName,
            services => new LockManagerHealthCheck<TKey>(services.GetRequiredService<IRequiredActor<TKey>>(), bound),
            failureStatus,
            tags));
    }
}
