using Akka.Actor;
using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace LockActors.Samples;

/// <summary>
/// The wiring every console sample shares: Serilog on the console, an Akka.Hosting actor system
/// whose log goes through Microsoft.Extensions.Logging to Serilog, and a lock manager registered
/// with <c>WithLockManager</c>. Linked into each sample project (see its .csproj).
/// </summary>
internal sealed class SampleHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SampleHost(IHost host, ActorSystem system, IActorRef locks)
    {
        _host = host;
        System = system;
        Locks = locks;
    }

    /// <summary>The sample's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The lock manager, as registered by <c>WithLockManager</c>.</summary>
    public IActorRef Locks { get; }

    /// <summary>Starts the host; <paramref name="configure"/> adjusts the manager's settings.</summary>
    public static async Task<SampleHost> StartAsync(
        string systemName, string[] args, Func<LockManagerSettings, LockManagerSettings>? configure = null, Func<LogEvent, bool>? hideLogEvent = null)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning);
        if (hideLogEvent is not null)
        {
            logger = logger.Filter.ByExcluding(hideLogEvent);
        }

        Log.Logger = logger
            .WriteTo.Console(outputTemplate: "  [{Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddSerilog();
        builder.Services.AddAkka(systemName, akka => akka
            .ConfigureLoggers(loggers =>
            {
                // Akka's log goes to Microsoft.Extensions.Logging, where Serilog picks it up.
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithLockManager("locks", configure));

        var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var locks = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
        return new SampleHost(host, system, locks);
    }

    /// <summary>Stops the actor system and flushes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Log.CloseAndFlushAsync();
    }
}
