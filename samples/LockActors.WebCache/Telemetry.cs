using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LockActors.WebCache;

/// <summary>
/// Exports LockActors' metrics and traces with the OpenTelemetry SDK. LockActors publishes them with
/// .NET's own <c>System.Diagnostics</c> APIs, on the meter <see cref="LockDiagnostics.MeterName"/> and
/// the activity source <see cref="LockDiagnostics.ActivitySourceName"/> (both "LockActors"); the SDK
/// only has to be told those names.
/// </summary>
public static class Telemetry
{

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
                metrics.AddMeter(LockDiagnostics.MeterName);

                // The durations are in seconds: buckets from a millisecond to ten seconds, where the
                // SDK's default boundaries (0 to 10,000) suit milliseconds.
                double[] seconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
                metrics.AddView(LockDiagnostics.WaitDuration, new ExplicitBucketHistogramConfiguration { Boundaries = seconds });
                metrics.AddView(LockDiagnostics.HoldDuration, new ExplicitBucketHistogramConfiguration { Boundaries = seconds });
                if (console)
                {
                    metrics.AddConsoleExporter((_, reader) =>
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)exportEvery.TotalMilliseconds);
                }
            })
            .WithTracing(tracing =>
            {
                // A stampede is a thousand waits: print a sample of them, not all.
                tracing.AddSource(LockDiagnostics.ActivitySourceName).SetSampler(new TraceIdRatioBasedSampler(1.0 / traceEvery));
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });
    }
}
