using System.Diagnostics;
using LockActors.WebCache;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace LockActors.Samples.Tests;

// The WebCache sample's telemetry: the OpenTelemetry SDK it registers collects LockActors' metrics
// (a grant per locked request, each wait in the wait histogram) and its lock-wait traces.
//
// The meter is process-wide and every sample names its manager alike, so this runs alone: the
// other samples' specs would add their grants to the counts.
[Collection(nameof(WebCacheTelemetrySpecs))]
public sealed class WebCacheTelemetrySpecs
{
    private const int Requests = 10;

    [Fact]
    public async Task The_sample_exports_a_grant_and_a_wait_per_locked_request_and_traces_the_waits()
    {
        var metrics = new List<Metric>();
        var traces = new List<Activity>();
        var app = Program.Build(["--Telemetry:TraceEvery=1"], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(traces));
        });
        await using (app)
        {
            await app.StartAsync();
            using var http = app.GetTestClient();
            await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => http.GetStringAsync($"/products/{i + 1}")));

            Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));
            await app.StopAsync();
        }

        Assert.Equal(Requests, SumOf(metrics, LockDiagnostics.Grants));
        Assert.Equal(Requests, CountOf(metrics, LockDiagnostics.WaitDuration));
        var waits = traces.Where(a => a.OperationName == LockDiagnostics.WaitActivity).ToList();
        Assert.Equal(Requests, waits.Count);
        Assert.All(waits, a => Assert.StartsWith("GET /products/", (string?)a.GetTagItem(LockDiagnostics.LabelTag)));
    }

    private static long SumOf(List<Metric> metrics, string name)
    {
        long sum = 0;
        foreach (var point in LastPoints(metrics, name))
        {
            sum += point.GetSumLong();
        }

        return sum;
    }

    private static long CountOf(List<Metric> metrics, string name)
    {
        long count = 0;
        foreach (var point in LastPoints(metrics, name))
        {
            count += point.GetHistogramCount();
        }

        return count;
    }

    /// <summary>The points of the last export of <paramref name="name"/>: cumulative, so they hold every measurement.</summary>
    private static List<MetricPoint> LastPoints(List<Metric> metrics, string name)
    {
        var points = new List<MetricPoint>();
        var metric = metrics.LastOrDefault(m => m.Name == name);
        Assert.NotNull(metric);
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }
}

/// <summary>Runs <see cref="WebCacheTelemetrySpecs"/> after the other specs, never beside them.</summary>
[CollectionDefinition(nameof(WebCacheTelemetrySpecs), DisableParallelization = true)]
public sealed class WebCacheTelemetryCollection;
