using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LockActors.Diagnostics;

/// <summary>
/// One manager's instruments on the shared <see cref="LockDiagnostics.MeterName"/> meter: every
/// measurement carries the manager's tag. Any manager actor uses it the same way: it calls the
/// <c>On…</c> methods where locks are granted, found busy, timed out, refused, released by a
/// crash, lost or given up, and <see cref="Track"/> with its state so the gauges can read it.
/// </summary>
/// <remarks>
/// Cost when nobody listens: each method first checks its instrument's <c>Enabled</c> (a field read)
/// and returns before computing anything; callers that would compute an argument (a clock reading)
/// check <see cref="MeasuresWaits"/> or <see cref="MeasuresHolds"/> first. Gauges read the state's
/// counts from the collector's thread without locking: a reading may miss the operation in flight.
/// </remarks>
internal sealed class LockMetrics : IDisposable
{
    private static readonly Meter Meter = new(LockDiagnostics.MeterName, typeof(LockMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> GrantCounter =
        Meter.CreateCounter<long>(LockDiagnostics.Grants, "{grant}", "Locks granted, at once or after a wait.");

    private static readonly Counter<long> BusyCounter =
        Meter.CreateCounter<long>(LockDiagnostics.BusyAnswers, "{answer}", "Try-locks answered busy.");

    private static readonly Counter<long> TimeoutCounter =
        Meter.CreateCounter<long>(LockDiagnostics.Timeouts, "{wait}", "Waits that timed out.");

    private static readonly Counter<long> RefusalCounter =
        Meter.CreateCounter<long>(LockDiagnostics.Refusals, "{refusal}", "Requests refused, by reason.");

    private static readonly Counter<long> CrashReleaseCounter =
        Meter.CreateCounter<long>(LockDiagnostics.CrashReleases, "{key}", "Keys released because their owner terminated.");

    private static readonly Counter<long> LostCounter =
        Meter.CreateCounter<long>(LockDiagnostics.Lost, "{grant}", "Grants lost when the manager restarted or stopped.");

    private static readonly Histogram<double> WaitHistogram =
        Meter.CreateHistogram<double>(LockDiagnostics.WaitDuration, "s", "How long a granted or timed-out request waited in line.");

    private static readonly Histogram<double> HoldHistogram =
        Meter.CreateHistogram<double>(LockDiagnostics.HoldDuration, "s", "How long a key was held.");

    // The managers whose gauges are reported, with their tag.
    private static readonly ConcurrentDictionary<LockMetrics, ILockGaugeSource> Tracked = new();

    private readonly KeyValuePair<string, object?> _managerTag;
    private readonly bool _perKey;

    static LockMetrics()
    {
        Meter.CreateObservableGauge(LockDiagnostics.KeysInUse, () => Read(s => s.KeysInUse), "{key}", "Keys held or waited for.");
        Meter.CreateObservableGauge(LockDiagnostics.WaitsQueued, () => Read(s => s.WaitsQueued), "{wait}", "Waits queued.");
        Meter.CreateObservableGauge(LockDiagnostics.OwnersWatched, () => Read(s => s.OwnersWatched), "{owner}", "Owners the manager watches.");
    }

    /// <summary>Instruments for the manager named <paramref name="manager"/>.</summary>
    /// <param name="manager">The value of <see cref="LockDiagnostics.ManagerTag"/>.</param>
    /// <param name="perKeyTags">True to tag counters and histograms with the key (<see cref="LockManagerSettings.MetricsPerKeyTags"/>).</param>
    public LockMetrics(string manager, bool perKeyTags)
    {
        _managerTag = new(LockDiagnostics.ManagerTag, manager);
        _perKey = perKeyTags;
    }

    /// <summary>True when the wait histogram has a listener: only then is it worth reading the clock at a grant.</summary>
    public static bool MeasuresWaits => WaitHistogram.Enabled;

    /// <summary>True when the grant counter has a listener.</summary>
    public static bool CountsGrants => GrantCounter.Enabled;

    /// <summary>True when the hold histogram has a listener: only then is a grant's time taken.</summary>
    public static bool MeasuresHolds => HoldHistogram.Enabled;

    /// <summary>Reports <paramref name="source"/>'s counts on the gauges until <see cref="Dispose"/>.</summary>
    public void Track(ILockGaugeSource source) => Tracked[this] = source;

    /// <summary>Stops reporting the gauges of this manager.</summary>
    public void Dispose() => Tracked.TryRemove(this, out _);

    /// <summary>A lock was granted on <paramref name="keys"/> after <paramref name="waitedMs"/> in line (0 on arrival).</summary>
    public void OnGranted(IReadOnlyList<object> keys, long waitedMs) => OnWaitEnded(GrantCounter, keys, waitedMs, "granted");

    /// <summary>A try-lock of <paramref name="key"/> was answered busy.</summary>
    public void OnBusy(object key)
    {
        if (BusyCounter.Enabled)
        {
            BusyCounter.Add(1, Tags(key));
        }
    }

    /// <summary>A wait for <paramref name="keys"/> timed out after <paramref name="waitedMs"/> in line.</summary>
    public void OnTimedOut(IReadOnlyList<object> keys, long waitedMs) => OnWaitEnded(TimeoutCounter, keys, waitedMs, "timed_out");

    /// <summary>A request was refused for <paramref name="reason"/>.</summary>
    public void OnRefused(RefusalReason reason)
    {
        if (RefusalCounter.Enabled)
        {
            RefusalCounter.Add(1, _managerTag, new(LockDiagnostics.ReasonTag, reason.ToString()));
        }
    }

    /// <summary><paramref name="keys"/> keys were released because their owner terminated.</summary>
    public void OnCrashReleased(int keys)
    {
        if (keys > 0 && CrashReleaseCounter.Enabled)
        {
            CrashReleaseCounter.Add(keys, _managerTag);
        }
    }

    /// <summary>A grant was lost (the manager restarted or stopped).</summary>
    public void OnLost()
    {
        if (LostCounter.Enabled)
        {
            LostCounter.Add(1, _managerTag);
        }
    }

    /// <summary>A hold of <paramref name="key"/> that began at <paramref name="grantedAt"/> (a <see cref="Stopwatch"/> timestamp; 0 when not taken) ended.</summary>
    public void OnHoldEnded(object key, long grantedAt)
    {
        if (grantedAt != 0 && HoldHistogram.Enabled)
        {
            HoldHistogram.Record(Stopwatch.GetElapsedTime(grantedAt).TotalSeconds, Tags(key));
        }
    }

    /// <summary>The time of a grant for the hold histogram: now, or 0 when nobody listens.</summary>
    public static long GrantTime() => HoldHistogram.Enabled ? Stopwatch.GetTimestamp() : 0;

    // A grant or a timeout: counted on its own counter, and its time in line on the wait histogram
    // tagged with its outcome.
    private void OnWaitEnded(Counter<long> counter, IReadOnlyList<object> keys, long waitedMs, string outcome)
    {
        if (counter.Enabled)
        {
            counter.Add(1, Tags(keys));
        }

        if (WaitHistogram.Enabled)
        {
            var tags = Tags(keys);
            tags.Add(LockDiagnostics.OutcomeTag, outcome);
            WaitHistogram.Record(waitedMs / 1000.0, tags);
        }
    }

    // The key's text is computed only when keys are tagged.
    private TagList Tags(object key) => _perKey ? WithKey(KeyText.Of(key)) : new TagList { _managerTag };

    private TagList Tags(IReadOnlyList<object> keys) =>
        _perKey ? WithKey(keys.Count == 1 ? KeyText.Of(keys[0]) : KeyText.OfAll(keys)) : new TagList { _managerTag };

    private TagList WithKey(string keyText) => new() { _managerTag, { LockDiagnostics.KeyTag, keyText } };

    private static IEnumerable<Measurement<int>> Read(Func<ILockGaugeSource, int> count)
    {
        foreach (var (metrics, source) in Tracked)
        {
            yield return new Measurement<int>(count(source), metrics._managerTag);
        }
    }
}
