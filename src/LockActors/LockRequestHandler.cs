using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using LockActors.Diagnostics;
using LockActors.Table;

namespace LockActors;

/// <summary>
/// The message handling a lock manager actor shares with the others: turns each protocol message
/// into a table operation, refuses what it cannot handle, and sends replies safely. The actor owns
/// the table and its effects (replies go through <see cref="ILockEffects.Send"/>, refusals made
/// here too, so they keep their order with the table's replies).
/// </summary>
/// <param name="table">The actor's table.</param>
/// <param name="effects">The actor's effects: where replies and refusals go.</param>
/// <param name="log">The actor's logger.</param>
/// <param name="self">The actor's own reference, the sender of every reply.</param>
/// <param name="metrics">The actor's metrics: refusals and owners' crashes are counted here.</param>
/// <param name="stopIdleSweep">Stops the actor's timer for <see cref="IdleSweepTick"/>.</param>
internal sealed class LockRequestHandler(LockTable table, ILockEffects effects, ILoggingAdapter log, IActorRef self, LockMetrics metrics, Action stopIdleSweep)
{
    private const string ExpireTimerKey = "expire-waits";

    // The scheduler is not meant for far-away deadlines: wake at least this often and re-check.
    private static readonly long MaxTimerDelayMs = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    private readonly LockTable _table = table;
    private readonly ILoggingAdapter _log = log;

    // The actor's Self, read once: Akka's Self looks the current actor cell up in a thread static,
    // which is not free on every reply.
    private readonly IActorRef _self = self;

    /// <summary>The clock deadlines are checked against: rounded down, so a wait times out only once its deadline has passed.</summary>
    private static long NowRoundedDown => DeadlineClock.NowRoundedDown();

    /// <summary>
    /// Handles one message from <paramref name="sender"/>. Never throws: a request whose handling
    /// throws (user code of a key or reference; the table then changed nothing) is logged and refused.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="sender">Its sender.</param>
    public void HandleSafely(object message, IActorRef sender)
    {
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

            effects.Send(sender, new LockRefused(null, RefusalReason.InvalidRequest,
                $"{message.GetType().Name} could not be handled: {failure}"));
        }
    }

    /// <summary>"Type: message" of an exception thrown by user code, even when its members throw.</summary>
    public static string Describe(Exception e, out bool printable)
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
                if (OwnerOf(m.Owner, m, sender) is { } tryOwner && HasOptions(m.Options, m, sender)) _table.TryLock(tryOwner, sender, m.Key, LockTerms.Of(m.Options, priority: 0));
                break;
            case Await m:
                if (OwnerOf(m.Owner, m, sender) is { } awaitOwner && HasOptions(m.Options, m, sender)) _table.Await(awaitOwner, sender, m.Key, m.Timeout ?? m.Options.Timeout, LockTerms.Of(m.Options), RequestTime.FromClock);
                break;
            case AwaitAll m:
                if (OwnerOf(m.Owner, m, sender) is { } allOwner && HasOptions(m.Options, m, sender)) _table.AwaitAll(allOwner, sender, m.Keys, m.Timeout ?? m.Options.Timeout, LockTerms.Of(m.Options), RequestTime.FromClock);
                break;
            case Release m:
                if (OwnerOf(m.Owner, m, sender) is { } releaser) _table.Release(releaser, sender, m.Grant);
                break;
            case ReleaseKeys m:
                if (OwnerOf(m.Owner, m, sender) is { } keysReleaser && SentByOwner(m, keysReleaser, sender)) _table.ReleaseKeys(keysReleaser, sender, m.Keys);
                break;
            case GiveAway m:
                if (OwnerOf(m.Owner, m, sender) is { } giver) _table.GiveAway(giver, sender, m.Grant, m.Heir, m.GiftData);
                break;
            case Goodbye m:
                if (OwnerOf(m.Owner, m, sender) is { } leaver && SentByOwner(m, leaver, sender)) _table.Goodbye(leaver, sender);
                break;
            case CancelAwait m:
                if (OwnerOf(m.Owner, m, sender) is { } canceller)
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
                metrics.OnCrashReleased(released.Count);
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
                    stopIdleSweep();
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

    /// <summary>
    /// The owner a request is made for: <paramref name="named"/> (the request's <c>Owner</c>), else
    /// its sender; null (and refused or logged) when there is neither. The common cases are checked
    /// here, inlined into each case of <see cref="Handle"/>; the rest in <see cref="OwnerOf(IOwnedLockRequest, IActorRef)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private IActorRef? OwnerOf(IActorRef? named, IOwnedLockRequest request, IActorRef sender) =>
        named is null && !sender.IsNobody() ? sender : OwnerOf(request, sender);

    /// <summary>The owner a request is made for: its <c>Owner</c>, else its sender; null (and logged) when there is neither.</summary>
    private IActorRef? OwnerOf(IOwnedLockRequest request, IActorRef sender)
    {
        if (request.Owner is { } named)
        {
            if (!named.IsNobody())
            {
                return named;
            }

            effects.Send(sender, new LockRefused(null, RefusalReason.InvalidRequest,
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

        effects.Send(sender, new LockRefused(null, RefusalReason.InvalidRequest,
            $"{request.GetType().Name} for {TextOf(owner)} was sent by {TextOf(sender)}: only the owner itself may release its keys " +
            "without presenting their grant (send Release or GiveAway with the grant instead)."));
        return false;
    }

    /// <summary>False (and refused) when a lock request carries null options, as a hand-made or deserialized one can.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool HasOptions(LockOptions? options, ILockTermsRequest request, IActorRef sender) =>
        options is not null || RefuseWithoutOptions(request, sender);

    private bool RefuseWithoutOptions(ILockTermsRequest request, IActorRef sender)
    {
        effects.Send(sender, new LockRefused(null, RefusalReason.InvalidRequest, $"{request.GetType().Name} was sent with null options."));
        return false;
    }

    /// <summary>Sends a reply, or logs a failure nobody asked to hear of (a reply to no actor).</summary>
    public void SendReply(IActorRef? to, object message)
    {
        if (message is LockRefused refused)
        {
            metrics.OnRefused(refused.Cause);
        }

        if (to is not null && !to.IsNobody())
        {
            // As Tell does, written out here: every reply passes through this method.
            try
            {
                to.Tell(message, _self);
            }
            catch (Exception e)
            {
                LogTellFailure(to, message, e);
            }

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
    public void Tell(IActorRef to, object message, IActorRef sender)
    {
        try
        {
            to.Tell(message, sender);
        }
        catch (Exception e)
        {
            LogTellFailure(to, message, e);
        }
    }

    private void LogTellFailure(IActorRef to, object message, Exception e) =>
        _log.Error("Could not send {Message} to {Recipient}: {Failure}", message.GetType().Name, TextOf(to), Describe(e, out _));

    /// <summary>
    /// Stops <paramref name="context"/> watching <paramref name="actor"/>. The owner is already gone
    /// from the table, so an unwatch that throws changes nothing: it is logged.
    /// </summary>
    public void Unwatch(IActorContext context, IActorRef actor)
    {
        try
        {
            context.Unwatch(actor);
        }
        catch (Exception e)
        {
            _log.Error("Could not unwatch {Owner}: {Failure}", TextOf(actor), Describe(e, out _));
        }
    }

    /// <summary>
    /// Has <paramref name="timers"/> deliver an <see cref="ExpireTick"/> at <paramref name="deadline"/>
    /// of the table's clock (<paramref name="now"/> is that clock's present), replacing the one asked
    /// for before; at most an hour ahead, after which the table asks again.
    /// </summary>
    public static void WakeAt(ITimerScheduler timers, long deadline, long now)
    {
        var delay = Math.Clamp(deadline - now, 0, MaxTimerDelayMs);
        timers.StartSingleTimer(ExpireTimerKey, ExpireTick.Instance, TimeSpan.FromMilliseconds(delay));
    }

    /// <summary>An actor reference as text, even when its ToString throws.</summary>
    public static string TextOf(IActorRef? actor)
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

    /// <summary>The manager's own reminder to unwatch owners idle for a while.</summary>
    public sealed class IdleSweepTick : INoSerializationVerificationNeeded
    {
        /// <summary>The tick.</summary>
        public static readonly IdleSweepTick Instance = new();
    }

    /// <summary>The manager's own reminder to time out due waits.</summary>
    public sealed class ExpireTick : INoSerializationVerificationNeeded
    {
        /// <summary>The tick.</summary>
        public static readonly ExpireTick Instance = new();
    }
}
