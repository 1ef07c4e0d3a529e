using Akka.Actor;
using Akka.Event;
using LockActors.Table;

namespace LockActors.Diagnostics;

/// <summary>
/// What the lock table reports as locks are granted, found busy, timed out and given up: the
/// manager's metrics (<see cref="LockMetrics"/>) and its log lines, with the label of each lock.
/// A table made without one reports nothing (<see cref="Silent"/>).
/// </summary>
/// <remarks>
/// Log levels: grants and busy answers at Debug, timeouts at Info. Each report returns at once when
/// neither its instrument has a listener nor its log level is on, before it reads the clock or
/// renders anything.
/// </remarks>
internal sealed class LockMonitor
{
    /// <summary>Reports nothing: for tables used without a manager (tests, benchmarks).</summary>
    public static readonly LockMonitor Silent = new(null, null);

    private readonly ILoggingAdapter? _log;

    /// <summary>A monitor over <paramref name="metrics"/> and <paramref name="log"/>, either of which may be null.</summary>
    public LockMonitor(LockMetrics? metrics, ILoggingAdapter? log)
    {
        Metrics = metrics;
        _log = log;
    }

    /// <summary>The manager's instruments, or null when it has none.</summary>
    public LockMetrics? Metrics { get; }

    private bool LogsDebug => _log is { IsDebugEnabled: true };

    /// <summary>A grant's start time for the hold histogram: now when it is measured, else 0.</summary>
    public long GrantTime() => Metrics is null ? 0 : LockMetrics.GrantTime();

    /// <summary>
    /// <paramref name="grant"/> was made to a request labelled <paramref name="label"/>;
    /// <paramref name="queuedAt"/> is when it was queued on the table's clock, or null when it was
    /// granted on arrival.
    /// </summary>
    public void Granted(LockGrant grant, string? label, long? queuedAt)
    {
        var measure = Metrics is not null && (LockMetrics.MeasuresWaits || LockMetrics.CountsGrants);
        if (!measure && !LogsDebug)
        {
            return;
        }

        var waitedMs = queuedAt is { } since ? Math.Max(0, DeadlineClock.NowRoundedDown() - since) : 0;
        Metrics?.OnGranted(grant.Keys, waitedMs);
        if (LogsDebug)
        {
            _log!.Debug("Granted {LockKeys} to {Owner} ({LockLabel}) under fencing token {FencingToken} after {WaitedMs} ms in line",
                KeyText.OfAll(grant.Keys), LockRequestHandler.TextOf(grant.Owner), LabelText(label), grant.FencingToken, waitedMs);
        }
    }

    /// <summary>A try-lock by <paramref name="requester"/>, labelled <paramref name="label"/>, was answered <paramref name="busy"/>.</summary>
    public void Busy(LockBusy busy, IActorRef requester, string? label)
    {
        Metrics?.OnBusy(busy.Key);
        if (LogsDebug)
        {
            _log!.Debug("Busy: {LockKey} asked by {Requester} ({LockLabel}) is held by {Owner} ({OwnerLabel})",
                KeyText.Of(busy.Key), LockRequestHandler.TextOf(requester), LabelText(label), LockRequestHandler.TextOf(busy.Owner), LabelText(busy.OwnerLabel));
        }
    }

    /// <summary>A wait for <paramref name="keys"/> by <paramref name="owner"/> timed out; <paramref name="queuedAt"/> as for <see cref="Granted"/>.</summary>
    public void TimedOut(IActorRef owner, IReadOnlyList<object> keys, string? label, long? queuedAt, long now)
    {
        var waitedMs = queuedAt is { } since ? Math.Max(0, now - since) : 0;
        Metrics?.OnTimedOut(keys, waitedMs);
        if (_log is { IsInfoEnabled: true })
        {
            _log.Info("Wait for {LockKeys} by {Owner} ({LockLabel}) timed out after {WaitedMs} ms in line",
                KeyText.OfAll(keys), LockRequestHandler.TextOf(owner), LabelText(label), waitedMs);
        }
    }

    /// <summary>A holding was given up (released, said goodbye to, or freed by its owner's death).</summary>
    public void HoldEnded(Holding holding)
    {
        if (holding.Note is { GrantedAt: not 0 } note)
        {
            Metrics?.OnHoldEnded(holding.Entry.Key, note.GrantedAt);
        }
    }

    private static string LabelText(string? label) => label ?? "no label";
}
