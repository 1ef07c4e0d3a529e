using Akka.Actor;
using LockActors.Table;

namespace LockActors.Tests.Table;

// The contract's rules, stated naively: how a wait is placed, refused as a deadlock, granted or withdrawn.
internal sealed partial class ModelRun
{
    /// <summary>The contract for Await/AwaitAll of valid, distinct keys.</summary>
    private void RequestWait(IActorRef owner, IActorRef replyTo, object[] keys, bool isMulti, LockTerms terms, Timing timing, TimeSpan defaultTimeout)
    {
        if (!Valid(terms))
        {
            Expect(replyTo, new LockRefused(null, RefusalReason.InvalidRequest, ""));
            Count(c => c.InvalidTerms++);
            return;
        }

        foreach (var key in keys)
        {
            if (CapacityOf(key) is { } capacity && capacity != terms.Capacity)
            {
                Expect(replyTo, new LockRefused(key, RefusalReason.CapacityMismatch, ""));
                Count(c => c.CapacityMismatches++);
                return;
            }

            if (IsHeldBy(key, owner))
            {
                Expect(replyTo, new LockRefused(key, RefusalReason.SelfDeadlock, ""));
                return;
            }
        }

        var deadline = timing.Kind switch
        {
            TimeoutKind.Immediate => _now,
            TimeoutKind.Finite => _now + timing.Ms,
            TimeoutKind.Infinite => LockTable.Never,
            _ => defaultTimeout == Timeout.InfiniteTimeSpan ? LockTable.Never : _now + (long)defaultTimeout.TotalMilliseconds,
        };

        // The request takes its place in the one order of all waits; granted at once iff that place
        // would make it grantable, so it overtakes only lower priorities.
        BringIntoUse(keys, terms);
        var wait = new ModelWait(owner, replyTo, keys, isMulti, terms, ++_arrivals, deadline);
        _request = wait;
        CountArrival(wait);
        _waits.Add(wait);
        if (Grantable(wait, InOrder()))
        {
            _waits.Remove(wait);
            Count(c => c.GrantedOnArrivalPastLowerPriority += keys.Any(IsAwaited) ? 1 : 0);
            Grant(owner, replyTo, keys, isMulti, wait.Mode, wait.Permits);
            return;
        }

        if (deadline <= _now)
        {
            _waits.Remove(wait);
            Expect(replyTo, new LockTimedOut(keys));
            return;
        }

        if (KeysClosingACycle(wait) is { Count: > 0 } closing)
        {
            _waits.Remove(wait);
            ExpectOneOf(replyTo, closing.Select(k => new LockRefused(k, RefusalReason.Deadlock, "")));
            Count(c => c.Deadlocks++);
        }
    }

    /// <summary>
    /// The contract's deadlock rule, stated naively: the keys of a new wait through which its owner
    /// is reached again, following from each wait to the holders that alone keep it out of a key
    /// (see <see cref="Blocks"/>), and from each holder to all its pending waits.
    /// </summary>
    private List<object> KeysClosingACycle(ModelWait wait)
    {
        var closing = new List<object>();
        foreach (var key in wait.Keys)
        {
            var reached = new HashSet<IActorRef>();
            var frontier = new List<IActorRef>();
            void Reach(object k, ModelWait w)
            {
                foreach (var h in _holders[k].Where(h => Blocks(k, h, w) && reached.Add(h.Owner)))
                {
                    frontier.Add(h.Owner);
                }
            }

            Reach(key, wait);
            for (var i = 0; i < frontier.Count; i++)
            {
                foreach (var other in _waits.Where(w => w != wait && Same(w.Owner, frontier[i])))
                {
                    foreach (var k in other.Keys)
                    {
                        Reach(k, other);
                    }
                }
            }

            if (reached.Contains(wait.Owner))
            {
                closing.Add(key);
            }
        }

        return closing;
    }

    /// <summary>True when holding <paramref name="h"/> of <paramref name="key"/> alone keeps <paramref name="w"/> out.</summary>
    private bool Blocks(object key, Holding h, ModelWait w) =>
        _capacity[key] == 1
            ? w.Mode == LockMode.Exclusive || h.Mode == LockMode.Exclusive
            : h.Permits + w.Permits > _capacity[key];

    /// <summary>The capacity of keys that are idle is set by the request that brings them into use.</summary>
    private void BringIntoUse(object[] keys, LockTerms terms)
    {
        foreach (var key in keys)
        {
            if (!InUse(key))
            {
                _capacity[key] = terms.Capacity;
            }
        }
    }

    /// <summary>
    /// The contract's queue rule, stated naively: in the order of all pending waits (priority
    /// descending, then arrival), grant any wait such that no earlier wait involves one of its keys and
    /// every one of its keys admits it; repeat until none is grantable.
    /// </summary>
    private void Settle()
    {
        while (true)
        {
            var order = InOrder();
            if (order.FirstOrDefault(w => Grantable(w, order)) is not { } wait)
            {
                return;
            }

            _waits.Remove(wait);
            Grant(wait.Owner, wait.ReplyTo, wait.Keys, wait.IsMulti, wait.Mode, wait.Permits);
        }
    }

    private List<ModelWait> InOrder() => _waits.OrderByDescending(w => w.Priority).ThenBy(w => w.Arrival).ToList();

    private static bool Earlier(ModelWait a, ModelWait b) => a.Priority > b.Priority || (a.Priority == b.Priority && a.Arrival < b.Arrival);

    private bool Grantable(ModelWait wait, List<ModelWait> order) =>
        wait.Keys.All(k => Admits(k, wait.Mode, wait.Permits) && !order.TakeWhile(w => w != wait).Any(earlier => earlier.Keys.Contains(k)));

    /// <summary>Free; or shared among shared holders; or exclusive among exclusive holders with the permits to spare.</summary>
    private bool Admits(object key, LockMode mode, int permits)
    {
        var holders = _holders[key];
        return holders.Count == 0
               || (mode == LockMode.Shared
                   ? holders.All(h => h.Mode == LockMode.Shared)
                   : holders.All(h => h.Mode == LockMode.Exclusive) && holders.Sum(h => h.Permits) + permits <= _capacity[key]);
    }

    private static bool Valid(LockTerms t) =>
        Enum.IsDefined(t.Mode) && t.Capacity >= 1 && t.Permits >= 1 && t.Permits <= t.Capacity && (t.Mode == LockMode.Exclusive || t.Capacity == 1);

    private void Grant(IActorRef owner, IActorRef replyTo, object[] keys, bool isMulti, LockMode mode, int permits)
    {
        foreach (var key in keys)
        {
            _holders[key].Add(new Holding(owner, mode, permits));
        }

        Expect(replyTo, new LockAcquired(MakeGrant(keys, isMulti, owner, mode, permits)));
        RefuseSelfDeadlocks(owner, whileSettling: true);
    }

    /// <summary>A grant as the model predicts it; the fencing token is the table's to choose.</summary>
    private static LockGrant MakeGrant(IReadOnlyList<object> keys, bool isMulti, IActorRef owner, LockMode mode, int permits) =>
        new(keys, isMulti, owner, 0, Metadata) { Mode = mode, Permits = permits };

    /// <summary>
    /// A pending wait of an owner that now holds one of its keys can never be granted. While settling,
    /// several waits of one owner may be granted in one step, in an order the contract leaves open, so
    /// the refusal may name any key of the wait that the owner holds once the step is done.
    /// </summary>
    private void RefuseSelfDeadlocks(IActorRef owner, bool whileSettling = false)
    {
        foreach (var wait in _waits.Where(w => Same(w.Owner, owner)).ToList())
        {
            if (wait.Keys.FirstOrDefault(k => IsHeldBy(k, owner)) is { } key)
            {
                _waits.Remove(wait);
                if (whileSettling)
                {
                    _refusedWhileSettling.Add(wait);
                }
                else
                {
                    Expect(wait.ReplyTo, new LockRefused(key, RefusalReason.SelfDeadlock, ""));
                }
            }
        }
    }

    private bool CheckOwnership(IActorRef owner, IActorRef replyTo, IReadOnlyList<object> keys, long? token)
    {
        foreach (var key in keys)
        {
            var holders = _holders[key];
            if (holders.Count == 0)
            {
                Expect(replyTo, new ReleaseFailed(key, ReleaseFailure.NotLocked, null));
                return false;
            }

            if (holders.Find(h => Same(h.Owner, owner)) is not { } mine)
            {
                ExpectOneOf(replyTo, holders.Select(h => (object)new ReleaseFailed(key, ReleaseFailure.NotOwner, h.Owner)));
                return false;
            }

            if (token is not null && mine.Token != token)
            {
                Expect(replyTo, new ReleaseFailed(key, ReleaseFailure.StaleGrant, owner));
                return false;
            }
        }

        return true;
    }

    private void Free(IActorRef owner, IEnumerable<object> keys)
    {
        foreach (var key in keys)
        {
            _holders[key].RemoveAll(h => Same(h.Owner, owner));
        }
    }

    /// <summary>Goodbye and death: withdraw every wait, release every key. A dead owner is not told of its own cancelled waits.</summary>
    private object[] ClearOwner(IActorRef owner, bool dead)
    {
        foreach (var wait in _waits.Where(w => Same(w.Owner, owner)).ToList())
        {
            _waits.Remove(wait);
            if (!dead || !Same(wait.ReplyTo, owner))
            {
                Expect(wait.ReplyTo, new AwaitCancelled(wait.Keys));
            }
        }

        var released = Keys.Where(k => IsHeldBy(k, owner)).ToArray();
        Free(owner, released);
        return released;
    }

    private LockGrant? PickGrant(IActorRef owner, int pick, GrantSource source)
    {
        if (source == GrantSource.Held)
        {
            // The grants whose every key the owner still holds under the grant's token, oldest first.
            var held = Keys.Select(k => HoldingOf(k, owner)?.Token).OfType<long>().Distinct().Order()
                .Select(token => _grantByToken[token])
                .Where(g => g.Keys.All(k => HoldingOf(k, owner)?.Token == g.FencingToken))
                .ToList();
            if (held.Count > 0)
            {
                return held[pick % held.Count];
            }
        }

        return _grants.Count == 0 ? null : _grants[pick % _grants.Count];
    }

    private Holding? HoldingOf(object key, IActorRef owner) => _holders[key].Find(h => Same(h.Owner, owner));

    /// <summary>
    /// Actor equality for the model's bookkeeping. Every actor of a run is one <see cref="FakeRef"/>
    /// instance and the table hands back the instances it was given, so identity is equality here;
    /// Akka's path equality and hashing cost a large share of the run time.
    /// </summary>
    private static bool Same(IActorRef? a, IActorRef? b) => ReferenceEquals(a, b);

    /// <summary><see cref="LockWaiter.Equals(LockWaiter?)"/>, with <see cref="Same"/> for the owner.</summary>
    private static bool Same(LockWaiter a, LockWaiter b) =>
        Same(a.Owner, b.Owner) && a.Mode == b.Mode && a.Permits == b.Permits && a.Priority == b.Priority && a.Keys.SequenceEqual(b.Keys);

    private static bool Same(LockHolder a, LockHolder b) =>
        Same(a.Owner, b.Owner) && a.Mode == b.Mode && a.Permits == b.Permits && a.FencingToken == b.FencingToken;

    private bool IsHeldBy(object key, IActorRef owner) => HoldingOf(key, owner) is not null;

    private bool IsAwaited(object key) => _waits.Any(w => w.Keys.Contains(key));

    /// <summary>A key is in use while anyone holds it or waits for it; only then does it have a capacity.</summary>
    private bool InUse(object key) => _holders[key].Count > 0 || IsAwaited(key);

    private int? CapacityOf(object key) => InUse(key) ? _capacity[key] : null;

    private static object? FirstDuplicate(object[] keys)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys.Take(i).Contains(keys[i]))
            {
                return keys[i];
            }
        }

        return null;
    }

    private void Expect(IActorRef to, object message) => _expected.Add(Describe(to, message));

    /// <summary>Expects one message out of <paramref name="options"/>: where the contract lets the table pick.</summary>
    private void ExpectOneOf(IActorRef to, IEnumerable<object> options) =>
        _expectedOneOf.Add(options.Select(m => Describe(to, m)).Distinct().ToList());

    private void Count(Action<Coverage> count)
    {
        if (_coverage is not null)
        {
            count(_coverage);
        }
    }

    /// <summary>Counts what a new wait meets on arrival (before it is placed), for the generator guard.</summary>
    private void CountArrival(ModelWait wait)
    {
        if (_coverage is null)
        {
            return;
        }

        foreach (var key in wait.Keys)
        {
            var others = _waits.Where(w => w.Keys.Contains(key)).ToList();
            if (others.Any(w => w.Priority == wait.Priority))
            {
                _coverage.QueuedBehindSamePriority++;
            }

            if (wait.Mode == LockMode.Shared && _holders[key].Count > 0 && _holders[key].All(h => h.Mode == LockMode.Shared)
                && others.Any(w => w.Mode == LockMode.Exclusive && w.Priority >= wait.Priority))
            {
                _coverage.ExclusiveWaiterBlocksLaterShared++;
            }
        }
    }
}
