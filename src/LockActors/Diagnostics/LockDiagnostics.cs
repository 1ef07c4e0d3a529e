namespace LockActors;

/// <summary>
/// The names under which LockActors reports what its managers and clients do: the meter and the
/// activity source (both <c>LockActors</c>), every instrument, and the tags they carry. Subscribe
/// with OpenTelemetry (<c>AddMeter(LockDiagnostics.MeterName)</c>,
/// <c>AddSource(LockDiagnostics.ActivitySourceName)</c>) or a <c>MeterListener</c> /
/// <c>ActivityListener</c>. Nothing is measured or recorded while nobody listens.
/// </summary>
/// <remarks>
/// Every measurement is tagged with <see cref="ManagerTag"/>, the manager's actor path without
/// its address (<c>/user/locks</c>). Counters and histograms also carry <see cref="KeyTag"/> when
/// the manager's <see cref="LockManagerSettings.MetricsPerKeyTags"/> is on; it is off by default,
/// because every key becomes its own time series.
/// </remarks>
public static class LockDiagnostics
{
    /// <summary>The name of the <c>System.Diagnostics.Metrics.Meter</c> of every manager.</summary>
    public const string MeterName = "LockActors";

    /// <summary>The name of the <c>System.Diagnostics.ActivitySource</c> of every client.</summary>
    public const string ActivitySourceName = "LockActors";

    /// <summary>Counter, <c>{grant}</c>: locks granted, at once or after a wait (a multi-key grant counts once).</summary>
    public const string Grants = "lockactors.lock.grants";

    /// <summary>Counter, <c>{answer}</c>: <see cref="LockBusy"/> answers to try-locks.</summary>
    public const string BusyAnswers = "lockactors.lock.busy";

    /// <summary>Counter, <c>{wait}</c>: waits answered <see cref="LockTimedOut"/> (a wait of zero time that could not be granted included).</summary>
    public const string Timeouts = "lockactors.lock.timeouts";

    /// <summary>Counter, <c>{refusal}</c>: requests answered <see cref="LockRefused"/>, tagged with <see cref="ReasonTag"/>.</summary>
    public const string Refusals = "lockactors.lock.refusals";

    /// <summary>Counter, <c>{key}</c>: keys released because their owner terminated.</summary>
    public const string CrashReleases = "lockactors.lock.crash_releases";

    /// <summary>Counter, <c>{grant}</c>: grants lost when the manager restarted or stopped (<see cref="LockLost"/>).</summary>
    public const string Lost = "lockactors.lock.lost";

    /// <summary>
    /// Histogram, seconds: how long a granted or timed-out request waited in line (0 for a grant on
    /// arrival), tagged with <see cref="OutcomeTag"/> (<c>granted</c> or <c>timed_out</c>);
    /// millisecond resolution, as the manager's deadline clock.
    /// </summary>
    public const string WaitDuration = "lockactors.lock.wait.duration";

    /// <summary>
    /// Histogram, seconds: how long a key was held, recorded when it is released, said goodbye to or
    /// freed by its owner's termination; for grants made while the histogram had a listener.
    /// </summary>
    public const string HoldDuration = "lockactors.lock.hold.duration";

    /// <summary>Observable gauge, <c>{key}</c>: keys held or waited for.</summary>
    public const string KeysInUse = "lockactors.keys.in_use";

    /// <summary>Observable gauge, <c>{wait}</c>: waits queued.</summary>
    public const string WaitsQueued = "lockactors.waits.queued";

    /// <summary>Observable gauge, <c>{owner}</c>: owners the manager watches (holding, waiting, or idle for a while).</summary>
    public const string OwnersWatched = "lockactors.owners.watched";

    /// <summary>
    /// The activity a <see cref="LockClient"/> starts for each lock request (try-lock, await,
    /// await-all), from sending it until its answer, as a child of the caller's current activity.
    /// Tags: <see cref="RequestTag"/>, <see cref="KeysTag"/>, <see cref="KeyCountTag"/>,
    /// <see cref="ModeTag"/>, <see cref="PermitsTag"/>, <see cref="LabelTag"/> (when set),
    /// <see cref="OutcomeTag"/> (<c>granted</c>, <c>not_granted</c>, <c>timed_out</c>, <c>refused</c>,
    /// <c>cancelled</c>, <c>failed</c>), <see cref="FencingTokenTag"/> on a grant and
    /// <see cref="ReasonTag"/> on a refusal. Its status is Error when the lock timed out, was refused
    /// or failed. It has no queue position: the manager does not tell a waiter its place in line.
    /// </summary>
    public const string WaitActivity = "lockactors.lock.wait";

    /// <summary>Activity tag: <c>try_lock</c>, <c>await</c> or <c>await_all</c>.</summary>
    public const string RequestTag = "lockactors.request";

    /// <summary>Activity tag: the requested key(s) as text.</summary>
    public const string KeysTag = "lockactors.keys";

    /// <summary>Activity tag: how many keys were requested.</summary>
    public const string KeyCountTag = "lockactors.key_count";

    /// <summary>Activity tag: <c>exclusive</c> or <c>shared</c>.</summary>
    public const string ModeTag = "lockactors.mode";

    /// <summary>Activity tag: the permits requested on each key.</summary>
    public const string PermitsTag = "lockactors.permits";

    /// <summary>Activity tag: the request's <see cref="LockOptions.Label"/>.</summary>
    public const string LabelTag = "lockactors.label";

    /// <summary>Activity tag: the fencing token of the grant.</summary>
    public const string FencingTokenTag = "lockactors.fencing_token";

    /// <summary>Tag of every measurement: the manager's actor path without its address.</summary>
    public const string ManagerTag = "lockactors.manager";

    /// <summary>Tag of counters and histograms when <see cref="LockManagerSettings.MetricsPerKeyTags"/> is on: the request's key(s) as text.</summary>
    public const string KeyTag = "lockactors.key";

    /// <summary>Tag of <see cref="Refusals"/> and of a refused client activity: the <see cref="RefusalReason"/> or <see cref="LockFailure"/>.</summary>
    public const string ReasonTag = "lockactors.refusal.reason";

    /// <summary>Tag of <see cref="WaitDuration"/> and of the client's activity: how the wait ended.</summary>
    public const string OutcomeTag = "lockactors.outcome";
}
