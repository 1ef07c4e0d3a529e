// Guarantee: a hosted manager runs with the settings of the actor system's HOCON
// (lockactors.manager), which an appsettings section and then code override in that order; a
// wrong HOCON value fails the start with a message naming its path.

using System.Diagnostics;
using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace LockActors.Tests.Hosting;

public sealed class HostedSettingsSpecs
{
    [Fact]
    public async Task A_hosted_manager_waits_the_default_await_timeout_set_in_HOCON()
    {
        using var host = await StartAsync(akka => akka
            .AddHocon("lockactors.manager.default-await-timeout = 300ms", HoconAddMode.Prepend)
            .WithLockManager("locks"));
        try
        {
            var locks = host.Services.GetRequiredService<ILockClient>();
            await using var held = await locks.LockAsync("order:1");
            var other = new LockClient(await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync());

            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAsync<LockTimeoutException>(() => other.LockAsync("order:1"));

            // The 5 s reference default would take far longer; 300 ms plus any scheduling delay on a loaded machine stays well below it.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the wait took {clock.Elapsed}, not the 300 ms set in HOCON");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Code_overrides_appsettings_which_overrides_HOCON()
    {
        var appSettings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LockActors:MaxKeysPerRequest"] = "32",
            ["LockActors:Metadata"] = "from-appsettings",
        }).Build().GetSection("LockActors");
        LockManagerSettings? seen = null;
        using var host = await StartAsync(akka => akka
            .AddHocon("""
                lockactors.manager {
                  max-keys-per-request = 16
                  max-idle-owners-watched = 5
                  metadata = "from-hocon"
                }
                """, HoconAddMode.Prepend)
            .WithLockManager("locks", hocon => seen = LockManagerConfiguration.FromConfiguration(appSettings, hocon) with { Metadata = "from-code" }));
        try
        {
            var locks = host.Services.GetRequiredService<ILockClient>();

            Assert.Equal(LockManagerSettings.Default with { MaxKeysPerRequest = 32, MaxIdleOwnersWatched = 5, Metadata = "from-code" }, seen);
            Assert.Equal("from-code", await locks.GetMetaAsync());
            await Assert.ThrowsAnyAsync<Exception>(() => locks.TryLockAllAsync(Enumerable.Range(0, 33)));
            await using var handle = await locks.TryLockAllAsync(Enumerable.Range(0, 32));
            Assert.NotNull(handle);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_wrong_HOCON_value_fails_the_start_naming_its_path_and_value()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(akka => akka
            .AddHocon("lockactors.manager.default-await-timeout = -2s", HoconAddMode.Prepend)
            .WithLockManager("locks")));

        Assert.Contains("lockactors.manager.default-await-timeout = \"-2s\"", HostingSpecs.Flatten(error));
    }

    private static Task<IHost> StartAsync(Action<AkkaConfigurationBuilder> configureAkka) =>
        TestHosts.StartAsync(configureAkka, services => services.AddLockClient());
}
