using Akka.Actor;
using Akka.Event;
using LockActors.Diagnostics;
using LockActors.Table;

namespace LockActors;

/// <summary>
/// The lock manager actor: owns the key → owner/waiters state and handles the protocol in
/// <c>Protocol.cs</c> one message at a time. Owners and waiters are watched, so an actor that
/// stops has its keys released and passed on, first come first served, to the actors waiting.
/// </summary>
/// <remarks>
/// <para>The actor is a thin shell around the lock table: it turns each message into a table
/// operation and carries out the effects (replies, watches, the timeout timer). Timeouts are
/// enforced here, on the manager's clock, so a waiter gets a grant or a time-out, never both.</para>
/// <para>It never throws on input: a malformed request is refused with
/// <see cref="LockRefused"/>, an unknown message is logged as a warning and ignored.</para>
/// <para>A lost lock is never silent: when the manager is restarted or stopped, every owner is
/// sent <see cref="LockLost"/> for each grant it held and every pending wait is answered
/// <see cref="LockRefused"/> with <see cref="RefusalReason.ManagerRestarted"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// IActorRef locks = system.ActorOf(LockManager.Props(new LockManagerSettings { Metadata = "orders-db" }), "locks");
/// var reply = await locks.Ask&lt;object&gt;(new TryLock("user:1") { Owner = someActor });
/// </code>
/// </example>
public sealed class LockManager : UntypedActor, IWithTimers, ILockEffects
{
    private const string IdleSweepTimerKey = "unwatch-idle-owners";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LockTable _table;
    private readonly LockRequestHandler _handler;
    private readonly LockMetrics _metrics;
    private readonly TimeSpan _idleSweepPeriod;
    private bool _stateDropped;

    /// <summary>Creates the manager. Use <see cref="Props(LockManagerSettings?)"/> rather than calling this directly.</summary>
    /// <param name="settings">The settings.</param>
    public LockManager(LockManagerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _idleSweepPeriod = settings.IdleOwnerWatchTime;
        _metrics = new LockMetrics(Self.Path.ToStringWithoutAddress(), settings.MetricsPerKeyTags);
        _table = new LockTable(settings, this, lastToken: FirstTokenSeed(), new LockMonitor(_metrics, _log));
        _metrics.Track(_table);
        _handler = new LockRequestHandler(_table, this, _log, Self, _metrics, () => Timers.Cancel(IdleSweepTimerKey));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The <see cref="Akka.Actor.Props"/> of a lock manager with the given settings.</summary>
    /// <param name="settings">Settings; null for <see cref="LockManagerSettings.Default"/>.</param>
    /// <returns>Props to pass to <c>ActorOf</c>.</returns>
    public static Akka.Actor.Props Props(LockManagerSettings? settings = null)
    {
        var chosen = settings ?? LockManagerSettings.Default;
        return Akka.Actor.Props.Create(() => new LockManager(chosen));
    }

    /// <summary>The clock deadlines are checked against: rounded down, so a wait times out only once its deadline has passed.</summary>
    private static long NowRoundedDown => DeadlineClock.NowRoundedDown();

    /// <summary>
    /// The fencing token to count up from: the wall clock in 100 ns ticks. A manager started again
    /// (after a restart, or in a new process) so hands out tokens above every earlier one, as long as
    /// the earlier incarnation granted fewer than ten million locks per second of its life and the
    /// clock was not set back.
    /// </summary>
    private static long FirstTokenSeed() => DateTime.UtcNow.Ticks;

    /// <inheritdoc />
    protected override void OnReceive(object message) => _handler.HandleSafely(message, Sender);

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        _log.Error(reason, "LockManager is restarting; every held lock is lost and every waiter refused");
        DropState($"the lock manager restarted after {reason.GetType().Name}: {reason.Message}");
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        DropState("the lock manager stopped");
        _metrics.Dispose();
        base.PostStop();
    }

    private void DropState(string reason)
    {
        if (_stateDropped)
        {
            return;
        }

        _stateDropped = true;
        if (_table.KeyCount > 0)
        {
            _log.Warning("LockManager dropping {KeyCount} keys held or awaited by {OwnerCount} actors: {Reason}",
                _table.KeyCount, _table.PartyCount, reason);
        }

        _table.DropAll(reason);
    }

    void ILockEffects.Send(IActorRef? to, object message)
    {
        if (message is LockLost lost)
        {
            _metrics.OnLost();
            _log.Warning("Lock lost: {LockKeys} of {Owner} under fencing token {FencingToken}: {Reason}",
                KeyText.OfAll(lost.Grant.Keys), LockRequestHandler.TextOf(lost.Grant.Owner), lost.Grant.FencingToken, lost.Message);
        }

        _handler.SendReply(to, message);
    }

    void ILockEffects.Forward(IActorRef to, object message, IActorRef? originalSender) =>
        _handler.Tell(to, message, originalSender ?? ActorRefs.NoSender!);

    // A watch that throws is let through: the table watches before it changes anything, and the
    // request is refused (see LockRequestHandler.HandleSafely).
    void ILockEffects.Watch(IActorRef actor) => Context.Watch(actor);

    void ILockEffects.Unwatch(IActorRef actor) => _handler.Unwatch(Context, actor);

    void ILockEffects.WakeAt(long deadline) => LockRequestHandler.WakeAt(Timers, deadline, NowRoundedDown);

    void ILockEffects.ReportError(string message) => _log.Error("{LockError}", message);

    void ILockEffects.StartIdleSweep() =>
        Timers.StartPeriodicTimer(IdleSweepTimerKey, LockRequestHandler.IdleSweepTick.Instance, _idleSweepPeriod);
}
