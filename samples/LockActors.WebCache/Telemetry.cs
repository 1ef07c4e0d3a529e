using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LockActors.WebCache;

/// <summary>
/// Exports LockActors' metrics and traces with the OpenTelemetry SDK. LockActors publishes them with
/// .NET's own <c>System.Diagnostics</c> APIs under one name, <see cref="LockActorsSource"/>, for the
/// meter and for the activity source; the SDK only has to be told that name.
/// </summary>
public static class Telemetry
{
    /// <summary>The name of LockActors' meter and of its activity source.</summary>
    public const string LockActorsSource = "LockActors";

    /// <summary>
    /// Registers the OpenTelemetry SDK for LockActors' meter and activity source. With
    /// <c>Telemetry:Console</c> set to true in the configuration, metrics are written to the console
    /// every <c>Telemetry:ExportSeconds</c> (10 by default) and when the app stops, and one lock
    /// wait in <c>Telemetry:TraceEvery</c> (100 by default) is written as a trace.
    /// </summary>
    /// <param name="builder">The web application's builder.</param>
    public static void AddLockTelemetry(this WebApplicationBuilder builder)
    {
        var console = builder.Configuration.GetValue("Telemetry:Console", false);
        var exportEvery = TimeSpan.FromSeconds(builder.Configuration.GetValue("Telemetry:ExportSeconds", 10));
        var traceEvery = Math.Max(1, builder.Configuration.GetValue("Telemetry:TraceEvery", 100));

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("LockActors.WebCache"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(LockActorsSource);
                if (console)
                {
                    metrics.AddConsoleExporter((_, reader) =>
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)exportEvery.TotalMilliseconds);
                }
            })
            .WithTracing(tracing =>
            {
                // A stampede is a thousand waits: print a sample of them, not all.
                tracing.AddSource(LockActorsSource).SetSampler(new TraceIdRatioBasedSampler(1.0 / traceEvery));
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });
    }
}
