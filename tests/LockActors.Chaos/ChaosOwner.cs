using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>Thrown by an owner to crash on purpose.</summary>
internal sealed class ChaosCrash() : Exception("an owner crashed on purpose");

/// <summary>
/// One random owner: it makes one request at a time (plus, now and then, a <c>CancelAwait</c> of
/// its pending wait), checks that the reply answers it, records entering each critical section
/// once it holds a grant and leaving it before it releases or gives it away, when told the lock is
/// lost, and in <see cref="PostStop"/>. When its budget is spent it ends its life by goodbye, stop,
/// <see cref="Kill"/> or a crash; now and then it dies while waiting or while holding locks.
/// </summary>
internal sealed class ChaosOwner : UntypedActor
{
    private readonly ChaosWorld _world;
    private readonly int _slot;
    private readonly Random _rng;
    private readonly List<HeldGrant> _held = [];
    private readonly Dictionary<object, (int Incarnation, long Token)> _lastToken = [];
    private int _budget;
    private PendingRequest? _pending;
    private bool _leaving;

    public ChaosOwner(ChaosWorld world, int slot, int seed, int budget)
    {
        _world = world;
        _slot = slot;
        _rng = new Random(seed);
        _budget = budget;
    }

    public static Props Props(ChaosWorld world, int slot, int seed, int budget) =>
        Akka.Actor.Props.Create(() => new ChaosOwner(world, slot, seed, budget));

    protected override void PreStart()
    {
        _world.Occupy(_slot, Self);
        Self.Tell(Next.Instance);
    }

    protected override void PostStop()
    {
        foreach (var grant in _held)
        {
            grant.LeaveAll(_world.Recorder, LeaveReason.Stopped);
        }

        _held.Clear();
        if (_pending is not null)
        {
            _world.Ledger.Abandon();
        }

        _world.Vacate(_slot, Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Next:
                if (_pending is null && !_leaving)
                {
                    Act();
                }

                break;
            case LockLost lost:
                OnLost(lost.Grant);
                break;
            case LockTransferred transferred:
                // A goodbye in flight releases what was given before it; nothing to enter then.
                if (!_leaving && _pending?.Kind != OwnerRequestKind.Goodbye)
                {
                    OnGranted(transferred.Grant, ChaosProtocol.GiftedCapacity(transferred));
                    WithdrawLongWait();
                }

                break;
            default:
                OnReply(message);
                break;
        }
    }

    private void OnReply(object reply)
    {
        if (_pending is not { } pending)
        {
            _world.Ledger.Problem($"{Self.Path.Name} got {reply} with no request outstanding");
            return;
        }

        if (!Answers(pending, reply))
        {
            _world.Ledger.Problem($"{Self.Path.Name} got {reply}, which does not answer {pending.Request}");
            return;
        }

        _pending = null;
        _world.WaitingOn(_slot, null);
        _world.Ledger.FinalReply();
        switch (reply)
        {
            case LockAcquired acquired:
                OnGranted(acquired.Grant, pending.Terms!.Capacity);
                break;
            case LockTimedOut when pending.Terms!.Timeout is { } timeout:
                _world.Ledger.TimedOutAfter(timeout, pending.SentAt);
                break;
            case LockTimedOut:
                _world.Ledger.TimedOutAfter(LockManagerSettings.Default.DefaultAwaitTimeout, pending.SentAt);
                break;
            case LockRefused { Cause: RefusalReason.AlreadyOwner } when pending.Kind is OwnerRequestKind.GiveAway:
                // The heir already holds the key (a shared lock given to a fellow reader): the lock stays ours.
                EnterAll(pending.Grant!, pending.Capacity);
                break;
            case ReleaseFailed or LockRefused when pending.Kind is OwnerRequestKind.Release or OwnerRequestKind.GiveAway
                && ChaosProtocol.IncarnationOf(pending.Grant!) == _world.Incarnations.Current:
                _world.Ledger.Problem($"{Self.Path.Name}: {pending.Request} of a lock it holds was answered {reply}");
                break;
            case GoodbyeDone when _leaving:
                Context.Stop(Self);
                return;
        }

        Self.Tell(Next.Instance);
    }

    private static bool Answers(PendingRequest pending, object reply) => pending.Kind switch
    {
        OwnerRequestKind.TryLock => reply is LockRefused
            || (reply is LockAcquired a && a.Grant.Keys.SequenceEqual(pending.Keys))
            || (reply is LockBusy b && Equals(b.Key, pending.Keys[0])),
        OwnerRequestKind.Await => reply is LockRefused
            || (reply is LockAcquired a && a.Grant.Keys.SequenceEqual(pending.Keys))
            || (reply is LockTimedOut t && t.Keys.SequenceEqual(pending.Keys))
            || (reply is AwaitCancelled c && c.Keys.SequenceEqual(pending.Keys)),
        OwnerRequestKind.Release => reply is Released or ReleaseFailed or LockRefused,
        OwnerRequestKind.GiveAway => reply is GaveAway or ReleaseFailed or LockRefused,
        OwnerRequestKind.Goodbye => reply is GoodbyeDone,
        OwnerRequestKind.WhereIs => reply is KeyOwner o && Equals(o.Key, pending.Keys[0]),
        OwnerRequestKind.Inspect => reply is KeyStatus s && Equals(s.Key, pending.Keys[0]),
        _ => false,
    };

    private void OnGranted(LockGrant grant, int capacity)
    {
        if (!Equals(grant.Owner, Self))
        {
            _world.Recorder.Violation($"{Self.Path.Name} received a grant naming {grant.Owner} as its owner");
        }

        var incarnation = ChaosProtocol.IncarnationOf(grant);
        foreach (var key in grant.Keys)
        {
            if (_lastToken.TryGetValue(key, out var last) && last.Incarnation == incarnation && grant.FencingToken <= last.Token)
            {
                _world.Recorder.Violation($"{Self.Path.Name} got token {grant.FencingToken} on {key} after token {last.Token}");
            }

            _lastToken[key] = (incarnation, grant.FencingToken);
        }

        EnterAll(grant, capacity);
    }

    private void EnterAll(LockGrant grant, int capacity)
    {
        var held = new HeldGrant(grant, capacity);
        foreach (var key in grant.Keys)
        {
            held.Keys[key] = _world.Recorder.Enter(Self, key, ChaosProtocol.IncarnationOf(grant), grant.FencingToken,
                ChaosProtocol.ModeOf(grant), ChaosProtocol.PermitsOf(grant), capacity);
        }

        _held.Add(held);
    }

    private void OnLost(LockGrant grant)
    {
        var incarnation = ChaosProtocol.IncarnationOf(grant);
        _world.Recorder.Lost(incarnation, grant.FencingToken);
        var held = _held.Find(h => h.Grant.FencingToken == grant.FencingToken && ChaosProtocol.IncarnationOf(h.Grant) == incarnation);
        if (held is not null)
        {
            held.LeaveAll(_world.Recorder, LeaveReason.Lost);
            _held.Remove(held);
        }
    }

    /// <summary>
    /// An owner that holds a lock never waits forever (owners could deadlock for good): a gift that
    /// arrives during a long wait makes it withdraw the wait.
    /// </summary>
    private void WithdrawLongWait()
    {
        if (_pending is { Kind: OwnerRequestKind.Await } pending
            && (pending.Terms!.Timeout is not { } timeout || timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.FromMilliseconds(100)))
        {
            Count(expectsReply: false);
            _world.Manager.Tell(ChaosProtocol.CancelAwait(pending.Keys), Self);
        }
    }

    private void Act()
    {
        if (_budget-- <= 0 || !_world.Ledger.BudgetLeft)
        {
            EndLife();
            return;
        }

        var roll = _rng.Next(100);
        if (_held.Count > 0)
        {
            if (roll < 30) ReleaseSome();
            else if (roll < 38) GiveSomeAway();
            else if (roll < 52) Query(_held[_rng.Next(_held.Count)].Grant.Key);
            else if (roll < 54) Goodbye(endOfLife: false);
            else Acquire();
        }
        else if (roll < 12) Query(_world.Keys.AnyKey(_rng));
        else if (roll < 14) Goodbye(endOfLife: false);
        else Acquire();
    }

    private void Acquire()
    {
        var holdsSomething = _held.Count > 0;
        var roll = _rng.Next(100);
        if (roll < 25)
        {
            var key = FreeKey();
            Send(OwnerRequestKind.TryLock, ChaosProtocol.TryLock(key, ChaosKeys.Terms(_rng, key, holdsSomething)), [key], null);
            return;
        }

        IReadOnlyList<object> keys;
        ChaosTerms terms;
        object request;
        if (roll < 75)
        {
            // Now and then a key it holds: a self-deadlock, refused at once.
            var key = _rng.Next(30) == 0 && holdsSomething ? _held[0].Grant.Key : FreeKey();
            keys = [key];
            terms = ChaosKeys.Terms(_rng, key, holdsSomething);
            request = ChaosProtocol.Await(key, terms);
        }
        else
        {
            keys = _world.Keys.SomeKeys(_rng);
            terms = ChaosKeys.Terms(_rng, keys[0], holdsSomething);
            request = ChaosProtocol.AwaitAll(keys, terms);
        }

        Send(OwnerRequestKind.Await, request, keys, terms);
        if (terms.Timeout != TimeSpan.Zero && _rng.Next(100) < 12)
        {
            IReadOnlyList<object>? which = _rng.Next(3) switch { 0 => null, 1 => keys, _ => [_world.Keys.AnyKey(_rng)] };
            Count(expectsReply: false);
            _world.Manager.Tell(ChaosProtocol.CancelAwait(which), Self);
        }

        if (_rng.Next(300) == 0)
        {
            Die();
        }
    }

    private object FreeKey()
    {
        var key = _world.Keys.AnyKey(_rng);
        return _held.Exists(h => h.Keys.ContainsKey(key)) ? _world.Keys.AnyKey(_rng) : key;
    }

    private void ReleaseSome()
    {
        var held = _held[_rng.Next(_held.Count)];
        var whole = held.Keys.Count == held.Grant.Keys.Count;
        if (whole && _rng.Next(10) < 7)
        {
            held.LeaveAll(_world.Recorder, LeaveReason.Release);
            _held.Remove(held);
            Send(OwnerRequestKind.Release, ChaosProtocol.Release(held.Grant), held.Grant.Keys, null, held.Grant);
            return;
        }

        var keys = held.Keys.Keys.Where((_, i) => i == 0 || _rng.Next(2) == 0).ToList();
        foreach (var key in keys)
        {
            _world.Recorder.Leave(held.Keys[key], LeaveReason.Release);
            held.Keys.Remove(key);
        }

        if (held.Keys.Count == 0)
        {
            _held.Remove(held);
        }

        Send(OwnerRequestKind.Release, ChaosProtocol.ReleaseKeys(keys), keys, null, held.Grant);
    }

    private void GiveSomeAway()
    {
        var held = _held[_rng.Next(_held.Count)];
        var heir = _world.SomeOwner(_rng, dead: _rng.Next(10) < 3);
        if (heir is null || heir.Equals(Self) || held.Keys.Count != held.Grant.Keys.Count)
        {
            ReleaseSome();
            return;
        }

        held.LeaveAll(_world.Recorder, LeaveReason.GiveAway);
        _held.Remove(held);
        Send(OwnerRequestKind.GiveAway, ChaosProtocol.GiveAway(held.Grant, heir, held.Capacity), held.Grant.Keys, null, held.Grant);
        _pending = _pending! with { Capacity = held.Capacity };
    }

    private void Query(object key)
    {
        var inspect = _rng.Next(2) == 0;
        Send(inspect ? OwnerRequestKind.Inspect : OwnerRequestKind.WhereIs, inspect ? ChaosProtocol.Inspect(key) : ChaosProtocol.WhereIs(key), [key], null);
    }

    private void Goodbye(bool endOfLife)
    {
        foreach (var held in _held)
        {
            held.LeaveAll(_world.Recorder, LeaveReason.Release);
        }

        _held.Clear();
        _leaving = endOfLife;
        Send(OwnerRequestKind.Goodbye, ChaosProtocol.Goodbye(), [], null);
    }

    private void EndLife()
    {
        if (_rng.Next(10) < 3)
        {
            Goodbye(endOfLife: true);
        }
        else
        {
            Die();
        }
    }

    /// <summary>Stops, is killed or crashes (its supervisor stops it), whatever it holds or waits for.</summary>
    private void Die()
    {
        _leaving = true;
        switch (_rng.Next(3))
        {
            case 0:
                Context.Stop(Self);
                break;
            case 1:
                Self.Tell(Kill.Instance);
                break;
            default:
                throw new ChaosCrash();
        }
    }

    private void Send(OwnerRequestKind kind, object request, IReadOnlyList<object> keys, ChaosTerms? terms, LockGrant? grant = null)
    {
        Count(expectsReply: true);
        _pending = new PendingRequest(kind, request, keys, terms, Stopwatch.GetTimestamp(), grant);
        _world.WaitingOn(_slot, request);
        _world.Manager.Tell(request, Self);
    }

    private void Count(bool expectsReply)
    {
        _world.Ledger.Count(expectsReply, out var restartDue);
        if (restartDue)
        {
            _world.RestartTarget.Tell(RestartableManager.RestartManager.Instance);
        }
    }

    private sealed class Next
    {
        public static readonly Next Instance = new();
    }
}
