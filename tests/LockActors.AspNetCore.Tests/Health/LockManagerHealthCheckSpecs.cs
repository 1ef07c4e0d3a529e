// Guarantee: the lock manager's health check is healthy when the manager answers within the bound,
// and reports the failure status, naming the manager and what happened, when the manager is stopped,
// does not answer in time, or was never registered. A stopped manager is reported as stopped (found
// by DeathWatch), not as a time-out.

using Akka.Actor;
using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace LockActors.AspNetCore.Tests.Health;

public sealed class LockManagerHealthCheckSpecs
{
    /// <summary>A key under which an actor that never answers is registered.</summary>
    private sealed class SilentManager;

    /// <summary>A key under which nothing is ever registered.</summary>
    private sealed class NeverRegistered;

    [Fact]
    public async Task A_running_manager_is_healthy_and_named_in_the_report()
    {
        using var host = await StartAsync(health => health.AddLockManager());
        try
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            var entry = report.Entries[LockManagerHealthChecksBuilderExtensions.DefaultName];
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            var manager = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
            Assert.Contains(manager.Path.ToString(), entry.Description);
            Assert.Equal(manager.Path.ToString(), entry.Data["manager"]);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_stopped_manager_is_unhealthy_and_reported_as_stopped_not_as_silent()
    {
        // The bound is long: a report of "stopped" comes from DeathWatch, not from waiting it out.
        using var host = await StartAsync(health => health.AddLockManager("locks", tags: ["ready"], timeout: TimeSpan.FromMinutes(5)));
        try
        {
            var manager = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
            Assert.True(await manager.GracefulStop(TimeSpan.FromSeconds(30)));

            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

            var entry = report.Entries["locks"];
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Equal($"The lock manager {manager.Path} is stopped.", entry.Description);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_manager_that_does_not_answer_within_the_bound_gets_the_failure_status()
    {
        using var host = await StartAsync(
            health => health.AddLockManager<SilentManager>("silent", HealthStatus.Degraded, timeout: TimeSpan.FromMilliseconds(300)),
            akka => akka.WithActors((system, registry) =>
                registry.Register<SilentManager>(system.ActorOf(Props.Create(() => new SilentActor()), "silent"))));
        try
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            var entry = report.Entries["silent"];
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.Matches(@"^The lock manager akka://test/user/silent did not answer within 00:00:00\.3\d*\.$", entry.Description);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_manager_never_registered_is_unhealthy_naming_its_key()
    {
        using var host = await StartAsync(health => health.AddLockManager<NeverRegistered>("never", timeout: TimeSpan.FromMilliseconds(300)));
        try
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            var entry = report.Entries["never"];
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.StartsWith("No lock manager is registered under NeverRegistered", entry.Description);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_timeout_that_is_not_positive_is_refused_naming_it(int milliseconds)
    {
        var health = new ServiceCollection().AddHealthChecks();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => health.AddLockManager(timeout: TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("timeout", error.ParamName);
        Assert.Contains(TimeSpan.FromMilliseconds(milliseconds).ToString(), error.Message);
    }

    [Fact]
    public void An_infinite_timeout_is_refused()
    {
        var health = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentOutOfRangeException>(() => health.AddLockManager(timeout: Timeout.InfiniteTimeSpan));
    }

    private static async Task<IHost> StartAsync(Action<IHealthChecksBuilder> health, Action<AkkaConfigurationBuilder>? akka = null)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddAkka("test", builder =>
                {
                    builder.WithLockManager("locks");
                    akka?.Invoke(builder);
                });
                health(services.AddHealthChecks());
            })
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Receives everything and answers nothing, like a manager whose mailbox is flooded.</summary>
    private sealed class SilentActor : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }
    }
}
