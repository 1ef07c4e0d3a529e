using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LockActors.AspNetCore;

/// <summary>
/// Reports whether the lock manager registered under <typeparamref name="TKey"/> answers a
/// <see cref="GetMeta"/> request (the cheapest the manager has: no key, no table look-up) within
/// a bound.
/// </summary>
/// <typeparam name="TKey">The key the manager is registered under in the <see cref="ActorRegistry"/>.</typeparam>
/// <remarks>
/// Healthy: the manager answered in time. Otherwise the registration's failure status, with a
/// description naming the manager and what happened: not registered yet (the actor system has not
/// started it), stopped, or no answer within the bound. A stopped local manager is reported at once,
/// without waiting for the bound.
/// </remarks>
internal sealed class LockManagerHealthCheck<TKey>(IRequiredActor<TKey> registered, TimeSpan timeout) : IHealthCheck
{
    /// <summary>Checks the manager once.</summary>
    /// <param name="context">The registration being checked; its failure status is used for every failure.</param>
    /// <param name="cancellationToken">Stops the check (the health check service's own time-out).</param>
    /// <returns>Healthy when the manager answered within the bound, else the failure status with the reason.</returns>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        var clock = Stopwatch.StartNew();

        IActorRef manager;
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bound.CancelAfter(timeout);
            try
            {
                manager = await registered.GetAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(failure,
                    $"No lock manager is registered under {typeof(TKey).Name} after {timeout}: the actor system has not started it.");
            }
        }

        var data = new Dictionary<string, object> { ["manager"] = manager.Path.ToString() };
        var left = timeout - clock.Elapsed;
        using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        round.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        try
        {
            // The answer, raced against the manager's death: a stopped manager's mail goes to dead
            // letters and would only be noticed at the bound; DeathWatch reports it at once.
            var answer = manager.Ask<object>(GetMeta.Instance, Timeout.InfiniteTimeSpan, round.Token);
            var death = manager.WatchAsync(round.Token);
            var first = await Task.WhenAny(answer, death).ConfigureAwait(false);
            if (first == death && death is { IsCompletedSuccessfully: true, Result: true })
            {
                return new HealthCheckResult(failure, $"The lock manager {manager.Path} is stopped.", data: data);
            }

            var reply = await answer.ConfigureAwait(false);
            data["elapsedMilliseconds"] = clock.Elapsed.TotalMilliseconds;
            return reply is ManagerMeta
                ? HealthCheckResult.Healthy($"The lock manager {manager.Path} answered in {clock.Elapsed.TotalMilliseconds:0.#} ms.", data)
                : new HealthCheckResult(failure,
                    $"The lock manager {manager.Path} answered {nameof(GetMeta)} with {reply.GetType().Name} instead of {nameof(ManagerMeta)}.", data: data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failure, $"The lock manager {manager.Path} did not answer within {timeout}.", data: data);
        }
        finally
        {
            // Ends the watch (and an unanswered ask) whatever the outcome.
            await round.CancelAsync().ConfigureAwait(false);
        }
    }
}
