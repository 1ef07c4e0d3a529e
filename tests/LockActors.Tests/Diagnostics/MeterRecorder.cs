using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LockActors.Tests.Diagnostics;

/// <summary>One measurement of a LockActors instrument, with its tags.</summary>
internal sealed record Recorded(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Listens to every instrument of the LockActors meter and keeps the measurements of one manager
/// (by its <see cref="LockDiagnostics.ManagerTag"/>), so tests running in parallel never see each
/// other's.
/// </summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();
    private readonly string _manager;

    public MeterRecorder(string managerTag)
    {
        _manager = managerTag;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LockDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Keep(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Keep(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Keep(i, v, tags));
        _listener.Start();
    }

    /// <summary>The measurements of <paramref name="instrument"/> so far.</summary>
    public IReadOnlyList<Recorded> Of(string instrument) => _recorded.Where(r => r.Instrument == instrument).ToList();

    /// <summary>The sum of the measurements of a counter.</summary>
    public double Sum(string instrument) => Of(instrument).Sum(r => r.Value);

    /// <summary>Reads the gauges now; their measurements are added to the recorded ones.</summary>
    public void ReadGauges() => _listener.RecordObservableInstruments();

    /// <summary>The latest reading of a gauge.</summary>
    public double Latest(string gauge) => Of(gauge)[^1].Value;

    public void Dispose() => _listener.Dispose();

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copied[tag.Key] = tag.Value;
        }

        if (Equals(copied.GetValueOrDefault(LockDiagnostics.ManagerTag), _manager))
        {
            _recorded.Enqueue(new Recorded(instrument.Name, value, copied));
        }
    }
}
