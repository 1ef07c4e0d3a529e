using Akka.Hosting;
using LockActors;
using LockActors.Hosting;
using LockActors.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

// A read-heavy job store guarded like Go's sync.RWMutex: reads take the key "jobs" shared,
// writes take it exclusively. See JobStore for the store and JobStoreDemo for the story.
// Run it with: dotnet run --project samples/LockActors.JobStore
// The exit code is 0 only if reads overlapped, no read or write overlapped a write, and no
// reader overtook a waiting writer.

Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
    .WriteTo.Console(outputTemplate: "  [{Level:u3}] {Message:lj}{NewLine}{Exception}")
    .CreateLogger();

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSerilog();
builder.Services.AddAkka("lock-actors-jobstore", akka => akka
    .ConfigureLoggers(loggers =>
    {
        // Akka's log goes to Microsoft.Extensions.Logging, where Serilog picks it up.
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    })
    .WithLockManager("locks"));

using var host = builder.Build();
await host.StartAsync();

var locks = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
var report = await JobStoreDemo.RunAsync(new LockClient(locks), Console.Out);

Console.WriteLine(report.Held
    ? $"{Environment.NewLine}Reads overlapped (peak {report.Load.PeakReaders}), writes ran alone, and no reader overtook a waiting writer."
    : $"{Environment.NewLine}FAILED: busy run {report.Load}; writer first {report.WriterFirst.Held}.");
await host.StopAsync();
await Log.CloseAndFlushAsync();
return report.Held ? 0 : 1;
