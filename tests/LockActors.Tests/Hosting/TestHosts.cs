using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LockActors.Tests.Hosting;

/// <summary>Starts a generic host with Akka for the hosting specs; a start that fails disposes what it built.</summary>
internal static class TestHosts
{
    public static async Task<IHost> StartAsync(
        Action<AkkaConfigurationBuilder> configureAkka,
        Action<IServiceCollection>? configureServices = null)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                configureServices?.Invoke(services);
                services.AddAkka("test", configureAkka);
            })
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A start that failed leaves no test holding the host: dispose it (and its actor system) here.
            host.Dispose();
            throw;
        }

        return host;
    }
}
