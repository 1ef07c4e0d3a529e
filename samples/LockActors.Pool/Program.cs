using Akka.Actor;
using Akka.Hosting;
using LockActors;
using LockActors.Hosting;
using LockActors.Pool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

// A connection pool guarded by a semaphore key: three connections, jobs that take one or two,
// a VIP job that skips the queue, and an actor whose permit returns to the pool when it stops.
// See ConnectionPool for the pool and PoolDemo for the story.
// Run it with: dotnet run --project samples/LockActors.Pool
// The exit code is 0 only if no more than three connections were ever out, jobs were served in
// turn, the VIP was served next after it arrived, and the stopped actor's permit passed on.

Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
    .WriteTo.Console(outputTemplate: "  [{Level:u3}] {Message:lj}{NewLine}{Exception}")
    .CreateLogger();

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSerilog();
builder.Services.AddAkka("lock-actors-pool", akka => akka
    .ConfigureLoggers(loggers =>
    {
        // Akka's log goes to Microsoft.Extensions.Logging, where Serilog picks it up.
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    })
    .WithLockManager("locks"));

using var host = builder.Build();
await host.StartAsync();

var system = host.Services.GetRequiredService<ActorSystem>();
var locks = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
var report = await PoolDemo.RunAsync(system, locks, Console.Out);

Console.WriteLine(report.Held
    ? $"{Environment.NewLine}At most {report.Load.PeakInUse} of {PoolDemo.Size} connections out, the VIP served first, the stopped actor's permit passed on."
    : $"{Environment.NewLine}FAILED: pool within capacity and in turn {report.Load.Held}, VIP first {report.Vip.Held}, "
      + $"permit passed on {report.CrashRelease.Held}.");
await host.StopAsync();
await Log.CloseAndFlushAsync();
return report.Held ? 0 : 1;
