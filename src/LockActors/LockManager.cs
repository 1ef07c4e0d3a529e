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
    private const string ExpireTimerKey = "expire-waits";
    private const string IdleSweepTimerKey = "unwatch-idle-owners";

    // The scheduler is not meant for far-away deadlines: wake at least this often and re-check.
    private static readonly long MaxTimerDelayMs = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LockTable _table;
    private readonly LockMetrics _metrics;
    private readonly TimeSpan _idleSweepPeriod;

    // Self, read once, and the sender once per message (see OnReceive): Akka's Self and Sender
    // each look the current actor cell up in a thread static, which is not free on every reply.
    private readonly IActorRef _self;
    private bool _stateDropped;

    /// <summary>Creates the manager. Use <see cref="Props(LockManagerSettings?)"/> rather than calling this directly.</summary>
    /// <param name="settings">The settings.</param>
    public LockManager(LockManagerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _idleSweepPeriod = settings.IdleOwnerWatchTime;
        _self = Self;
        _metrics = new LockMetrics(_self.Path.ToStringWithoutAddress(), settings.MetricsPerKeyTags);
        _table = new LockTable(settings, this, lastToken: FirstTokenSeed(), new LockMonitor(_metrics, _log));
        _metrics.Track(_table);
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

    /// <summary>The clock deadlines are set from: rounded up, so a deadline is never early (see <see cref="DeadlineClock"/>).</summary>
    private static long NowRoundedUp => DeadlineClock.NowRoundedUp();

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
    protected override void OnReceive(object message)
    {
        var sender = Sender;
        try
        {
            Handle(message, sender);
        }
        catch (Exception e)
        {
            // Only user code gets here (a key's Equals/GetHashCode/ToString, an owner reference's
            // watch), and the table calls it before it changes anything, so the state is intact.
            // Refuse and carry on. Reading the exception's message or text may throw again, and an
            // exception that cannot be printed must not reach the logger (it would fail there instead).
            var failure = Describe(e, out var printable);
            if (printable)
            {
                _log.Error(e, "Lock request {Request} from {Sender} failed and was refused", message.GetType().Name, TextOf(sender));
            }
            else
            {
                _log.Error("Lock request {Request} from {Sender} failed and was refused: {Failure}", message.GetType().Name, TextOf(sender), failure);
            }

            SendReply(sender, new LockRefused(null, RefusalReason.InvalidRequest,
                $"{message.GetType().Name} could not be handled: {failure}"));
        }
    }

    /// <summary>"Type: message" of an exception thrown by user code, even when its members throw.</summary>
    private static string Describe(Exception e, out bool printable)
    {
        try
        {
            _ = e.ToString();
            printable = true;
        }
        catch (Exception)
        {
            printable = false;
        }

        try
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
        catch (Exception)
        {
            return $"{e.GetType().Name} (its message could not be read)";
        }
    }

    private void Handle(object message, IActorRef sender)
    {
        switch (message)
        {
            case TryLock m:
                if (OwnerOf(m, sender) is { } tryOwner && HasOptions(m, sender)) _table.TryLock(tryOwner, sender, m.Key, LockTerms.Of(m.Options) with { Priority = 0 });
                break;
            case Await m:
                if (OwnerOf(m, sender) is { } awaitOwner && HasOptions(m, sender)) _table.Await(awaitOwner, sender, m.Key, m.Timeout ?? m.Options.Timeout, LockTerms.Of(m.Options), NowRoundedUp);
                break;
            case AwaitAll m:
                if (OwnerOf(m, sender) is { } allOwner && HasOptions(m, sender)) _table.AwaitAll(allOwner, sender, m.Keys, m.Timeout ?? m.Options.Timeout, LockTerms.Of(m.Options), NowRoundedUp);
                break;
            case Release m:
                if (OwnerOf(m, sender) is { } releaser) _table.Release(releaser, sender, m.Grant);
                break;
            case ReleaseKeys m:
                if (OwnerOf(m, sender) is { } keysReleaser && SentByOwner(m, keysReleaser, sender)) _table.ReleaseKeys(keysReleaser, sender, m.Keys);
                break;
            case GiveAway m:
                if (OwnerOf(m, sender) is { } giver) _table.GiveAway(giver, sender, m.Grant, m.Heir, m.GiftData);
                break;
            case Goodbye m:
                if (OwnerOf(m, sender) is { } leaver && SentByOwner(m, leaver, sender)) _table.Goodbye(leaver, sender);
                break;
            case CancelAwait m:
                if (OwnerOf(m, sender) is { } canceller)
                {
                    // Another sender may withdraw only the waits it requested itself (their reply-to).
                    _table.CancelAwait(canceller, sender, m.Keys, onlyRequestedBy: canceller.Equals(sender) ? null : sender);
                }

                break;
            case WhereIs m:
                _table.WhereIs(sender, m.Key);
                break;
            case SendToOwner m:
                _table.SendToOwner(sender, m.Key, m.Message);
                break;
            case GetMeta:
                _table.GetMeta(sender);
                break;
            case Inspect m:
                _table.Inspect(sender, m.Key);
                break;
            case ListLocks m:
                _table.ListLocks(sender, m);
                break;
            case GetHotKeys m:
                _table.HotKeys(sender, m.Count, NowRoundedDown);
                break;
            case GetWaitGraph m:
                _table.WaitGraph(sender, m.MaxEdges);
                break;
            case Terminated t:
                var released = _table.Terminated(t.ActorRef);
                _metrics.OnCrashReleased(released.Count);
                if (released.Count > 0 && _log.IsInfoEnabled)
                {
                    _log.Info("Owner {Owner} terminated holding {LockKeys}: released and passed on to waiters",
                        TextOf(t.ActorRef), KeyText.OfAll(released));
                }

                break;
            case ExpireTick:
                _table.ExpireDue(NowRoundedDown);
                break;
            case IdleSweepTick:
                if (!_table.SweepIdleOwners())
                {
                    Timers.Cancel(IdleSweepTimerKey);
                }

                break;
            default:
                // Rendered here, safely: the logger would call the message's ToString itself,
                // and one that throws breaks logging for the whole actor system.
                _log.Warning("LockManager ignored an unknown message {UnknownMessage} of type {MessageType} from {Sender}",
                    KeyText.Of(message), message.GetType().FullName, TextOf(sender));
                break;
        }
    }

    /// <summary>The owner a request is made for: its <c>Owner</c>, else its sender; null (and logged) when there is neither.</summary>
    private IActorRef? OwnerOf(IOwnedLockRequest request, IActorRef sender)
    {
        if (request.Owner is { } named)
        {
            if (!named.IsNobody())
            {
                return named;
            }

            SendReply(sender, new LockRefused(null, RefusalReason.InvalidRequest,
                $"{request.GetType().Name} names {named} as its owner, which is no actor."));
            return null;
        }

        if (!sender.IsNobody())
        {
            return sender;
        }

        _log.Warning("LockManager ignored {Request}: it names no owner and has no sender to own the lock", KeyText.Of(request));
        return null;
    }

    /// <summary>
    /// True when a request that presents no grant comes from the owner it acts for; otherwise false,
    /// and refused: only the owner itself may release keys or say goodbye without presenting grants.
    /// </summary>
    private bool SentByOwner(IOwnedLockRequest request, IActorRef owner, IActorRef sender)
    {
        if (request.Owner is null || owner.Equals(sender))
        {
            return true;
        }

        SendReply(sender, new LockRefused(null, RefusalReason.InvalidRequest,
            $"{request.GetType().Name} for {TextOf(owner)} was sent by {TextOf(sender)}: only the owner itself may release its keys " +
            "without presenting their grant (send Release or GiveAway with the grant instead)."));
        return false;
    }

    /// <summary>False (and refused) when a lock request carries null options, as a hand-made or deserialized one can.</summary>
    private bool HasOptions(ILockTermsRequest request, IActorRef sender)
    {
        if (request.Options is not null)
        {
            return true;
        }

        SendReply(sender, new LockRefused(null, RefusalReason.InvalidRequest, $"{request.GetType().Name} was sent with null options."));
        return false;
    }

    private void SendReply(IActorRef? to, object message)
    {
        if (message is LockRefused refused)
        {
            _metrics.OnRefused(refused.Cause);
        }

        if (to is not null && !to.IsNobody())
        {
            Tell(to, message, _self);
            return;
        }

        // Nobody asked for a reply (release-async and friends): a failure must still be seen.
        switch (message)
        {
            case ReleaseFailed f:
                _log.Error("Could not release key {LockKey} asynchronously: {ReleaseFailure} (current owner {CurrentOwner})",
                    KeyText.Of(f.Key), f.Cause, TextOf(f.CurrentOwner));
                break;
            case LockRefused r:
                _log.Warning("Refused a request that expected no reply: {RefusalReason} for key {LockKey}: {RefusalMessage}",
                    r.Cause, KeyText.Of(r.Key), r.Message);
                break;
        }
    }

    /// <summary>
    /// Tells a reference that came with a request (a sender, an owner, an heir). References are
    /// user code: one whose Tell throws is logged and otherwise ignored, so a misbehaving
    /// reference can neither crash the manager nor stop the rest of an operation's replies.
    /// </summary>
    private void Tell(IActorRef to, object message, IActorRef sender)
    {
        try
        {
            to.Tell(message, sender);
        }
        catch (Exception e)
        {
            _log.Error("Could not send {Message} to {Recipient}: {Failure}", message.GetType().Name, TextOf(to), Describe(e, out _));
        }
    }

    /// <summary>An actor reference as text, even when its ToString throws.</summary>
    private static string TextOf(IActorRef? actor)
    {
        try
        {
            return actor?.ToString() ?? "nobody";
        }
        catch (Exception e)
        {
            return $"<{actor!.GetType().Name}: ToString threw {e.GetType().Name}>";
        }
    }

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
                KeyText.OfAll(lost.Grant.Keys), TextOf(lost.Grant.Owner), lost.Grant.FencingToken, lost.Message);
        }

        SendReply(to, message);
    }

    void ILockEffects.Forward(IActorRef to, object message, IActorRef? originalSender) =>
        Tell(to, message, originalSender ?? ActorRefs.NoSender!);

    // A watch that throws is let through: the table watches before it changes anything, and the
    // request is refused (see OnReceive).
    void ILockEffects.Watch(IActorRef actor) => Context.Watch(actor);

    void ILockEffects.Unwatch(IActorRef actor)
    {
        // The owner is already gone from the table: an unwatch that throws changes nothing.
        try
        {
            Context.Unwatch(actor);
        }
        catch (Exception e)
        {
            _log.Error("Could not unwatch {Owner}: {Failure}", TextOf(actor), Describe(e, out _));
        }
    }

    void ILockEffects.WakeAt(long deadline)
    {
        var delay = Math.Clamp(deadline - NowRoundedDown, 0, MaxTimerDelayMs);
        Timers.StartSingleTimer(ExpireTimerKey, ExpireTick.Instance, TimeSpan.FromMilliseconds(delay));
    }

    void ILockEffects.ReportError(string message) => _log.Error("{LockError}", message);

    void ILockEffects.StartIdleSweep() =>
        Timers.StartPeriodicTimer(IdleSweepTimerKey, IdleSweepTick.Instance, _idleSweepPeriod);

    /// <summary>The manager's own reminder to unwatch owners idle for a while.</summary>
    private sealed class IdleSweepTick : INoSerializationVerificationNeeded
    {
        public static readonly IdleSweepTick Instance = new();
    }

    /// <summary>The manager's own reminder to time out due waits.</summary>
    private sealed class ExpireTick : INoSerializationVerificationNeeded
    {
        public static readonly ExpireTick Instance = new();
    }
}
