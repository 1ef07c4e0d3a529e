using Akka.Actor;
using LockActors.Table;

namespace LockActors.Tests.Table;

// The contract's invariants on holders, grant order and queues, and the checks at the end of a run.
internal sealed partial class ModelRun
{
    /// <summary>
    /// The contract's invariants on holders, as the table reports them: each owner holds a key at most
    /// once; shared and exclusive holders never mix; an exclusive holder of a lock (capacity 1) is
    /// alone; shared holders hold one permit each, on locks only; the permits held by exclusive
    /// holders never exceed the capacity.
    /// </summary>
    private void CheckHolders(Dictionary<object, KeyStatus> status)
    {
        foreach (var (key, s) in status)
        {
            var holders = s.Holders;
            string? broken = null;
            for (var i = 0; i < holders.Count && broken is null; i++)
            {
                for (var j = 0; j < i && broken is null; j++)
                {
                    broken = Same(holders[i].Owner, holders[j].Owner) ? "one holding per owner and key" : null;
                }

                broken ??= holders[i].Mode != holders[0].Mode ? "shared and exclusive holders never mix" : null;
                broken ??= holders[i].Mode == LockMode.Shared && (s.Capacity != 1 || holders[i].Permits != 1) ? "shared holders hold one permit of a lock" : null;
            }

            var detail = "";
            if (broken is null && holders.Count > 0 && holders[0].Mode == LockMode.Exclusive)
            {
                if (s.Capacity == 1 && holders.Count > 1)
                {
                    broken = "an exclusive holder of a lock is alone";
                }
                else if (s.PermitsHeld > s.Capacity)
                {
                    broken = "permits held <= capacity";
                    detail = $"{s.PermitsHeld} permits held, capacity {s.Capacity}: ";
                }
            }

            if (broken is not null)
            {
                Fail($"invariant '{broken}' violated: {detail}key {key} (capacity {s.Capacity}) is held by [{string.Join(", ", holders.Select(Show))}]");
            }
        }
    }

    /// <summary>
    /// The contract's ordering invariants, on the grants the table sent in this step. A wait is granted
    /// out of order when an earlier wait (in priority-then-arrival order) for one of its keys was
    /// pending: for a request granted on arrival, any wait pending before the step; for a wait granted
    /// while settling, one still queued after the step (earlier waits may leave in the same step, by
    /// timeout, cancellation or refusal). Reported as writer starvation when an exclusive waiter is
    /// passed by a later shared request of the same or a lower priority, as a FIFO violation within
    /// one priority, else as a priority violation. A TryLock is never granted past any waiter.
    /// </summary>
    private void CheckGrantOrder(List<SentMessage> sent, Dictionary<object, KeyStatus> status)
    {
        var grants = sent.Where(m => m.Message is LockAcquired).ToList();
        if (grants.Count == 0)
        {
            return;
        }

        if (_op is TryLockOp tryLock)
        {
            var key = Keys[tryLock.Key];
            var waiting = _waitsBefore.Where(w => w.Keys.Contains(key)).ToList();
            Check(waiting.Count == 0,
                () => $"invariant 'TryLock never overtakes a waiter' violated: {_owners[tryLock.Owner]} took {key} while [{string.Join("; ", waiting)}] waited for it");
            return;
        }

        // The waits that could have been granted in this step, in queue order.
        var candidates = _waitsBefore.Concat(_request is null ? [] : [_request])
            .OrderByDescending(w => w.Priority).ThenBy(w => w.Arrival).ToList();
        var granted = new List<ModelWait>();
        foreach (var m in grants)
        {
            var g = ((LockAcquired)m.Message).Grant;

            // Of identical waits, the earliest is taken to be the one granted: the reading that breaks the order least.
            var wait = candidates.FirstOrDefault(c => !granted.Contains(c) && Same(c.ReplyTo, m.To) && Same(c.Owner, g.Owner)
                && c.IsMulti == g.IsMulti && c.Mode == g.Mode && c.Permits == g.Permits && c.Keys.SequenceEqual(g.Keys));
            if (wait is not null)
            {
                granted.Add(wait); // an unrequested grant is left to the comparison with the model
            }
        }

        foreach (var wait in granted)
        {
            var onArrival = wait == _request;
            foreach (var other in candidates)
            {
                if (other == wait || !Earlier(other, wait) || other.Keys.FirstOrDefault(wait.Keys.Contains) is not { } key
                    || (!onArrival && (granted.Contains(other) || !StillQueued(other, candidates, status))))
                {
                    continue;
                }

                var what = $"{wait} was granted{(onArrival ? " on arrival" : "")} while the earlier {other} {(onArrival ? "waited" : "still waits")} for {key}";
                if (wait.Mode == LockMode.Shared && other.Mode == LockMode.Exclusive && other.Arrival < wait.Arrival)
                {
                    Check(false, () => $"invariant 'no writer starvation' violated: an exclusive waiter was overtaken by a later shared request of the same or a lower priority: {what}");
                }

                Check(other.Priority != wait.Priority, () => $"invariant 'FIFO within a priority' violated: {what}");
                Check(false, () => $"invariant 'higher priority first' violated: {what}");
            }
        }
    }

    /// <summary>
    /// Whether the table still queues <paramref name="wait"/> after the step. The table's queues show
    /// waits by owner, terms and keys only, so identical waits are told apart by assuming the table kept
    /// the latest of them.
    /// </summary>
    private static bool StillQueued(ModelWait wait, List<ModelWait> candidates, Dictionary<object, KeyStatus> status)
    {
        var shown = wait.AsWaiter;
        var queued = status[wait.Keys[0]].Queue.Count(w => Same(w, shown));
        var laterTwins = candidates.Count(c => c != wait && Earlier(wait, c) && Same(c.AsWaiter, shown));
        return queued > laterTwins;
    }

    /// <summary>
    /// Every queue is in priority order (arrival is not shown, so FIFO is checked on grants). The
    /// contract grants until nothing is grantable: after every step, no wait is first in line for
    /// every one of its keys while every one of them admits it (e.g. shared waiters at the head of a
    /// queue are granted together, semaphore waiters while permits last).
    /// </summary>
    private void CheckQueues(Dictionary<object, KeyStatus> status)
    {
        foreach (var (key, s) in status)
        {
            var queue = s.Queue;
            for (var i = 1; i < queue.Count; i++)
            {
                if (queue[i - 1].Priority < queue[i].Priority)
                {
                    Fail($"invariant 'higher priority first' violated: the queue of {key} is [{string.Join(", ", queue.Select(Show))}]");
                }
            }

            if (queue.Count == 0)
            {
                continue;
            }

            var head = queue[0];
            var grantable = true;
            foreach (var k in head.Keys)
            {
                grantable &= status.TryGetValue(k, out var other) && other.Queue.Count > 0 && Same(other.Queue[0], head) && Admits(other, head);
            }

            if (grantable)
            {
                Fail($"invariant 'grant until none is grantable' violated: {Show(head)} is first in line for all its keys and each admits it, yet it waits "
                     + $"({string.Join("; ", head.Keys.Select(k => $"{k}: capacity {status[k].Capacity}, holders [{string.Join(", ", status[k].Holders.Select(Show))}]"))})");
            }
        }
    }

    private static bool Admits(KeyStatus s, LockWaiter w) =>
        s.Holders.Count == 0
        || (w.Mode == LockMode.Shared
            ? s.Holders.All(h => h.Mode == LockMode.Shared)
            : s.Holders.All(h => h.Mode == LockMode.Exclusive) && s.PermitsHeld + w.Permits <= s.Capacity);

    private static string Show(LockHolder h) => $"{h.Owner} {(h.Mode == LockMode.Shared ? "S" : "X")}{h.Permits} #{h.FencingToken}";

    private static string Show(LockWaiter w) =>
        $"{w.Owner} {(w.Mode == LockMode.Shared ? "S" : "X")}{w.Permits}@{w.Priority} [{string.Join(",", w.Keys)}]";

    /// <summary>Picks, for each of <paramref name="choices"/> from <paramref name="index"/> on, a different message of <paramref name="pool"/> among its allowed ones.</summary>
    private static List<string>? MatchEach(List<List<string>> choices, int index, List<string> pool)
    {
        if (index == choices.Count)
        {
            return [];
        }

        foreach (var option in choices[index].Distinct())
        {
            var at = pool.IndexOf(option);
            if (at < 0)
            {
                continue;
            }

            var rest = pool.Where((_, i) => i != at).ToList();
            if (MatchEach(choices, index + 1, rest) is { } matched)
            {
                matched.Add(option);
                return matched;
            }
        }

        return null;
    }

    /// <summary>At the end of the run: one final reply per Await/AwaitAll, none for those still waiting.</summary>
    private void VerifyEveryRequestGotExactlyOneFinalReply()
    {
        var pending = _waits.Select(w => w.ReplyTo).ToHashSet();
        foreach (var (request, count) in _finalRepliesByRequest)
        {
            var expected = pending.Contains(request) ? 0 : 1;
            Check(count == expected, () => $"{request} got {count} final replies, expected {expected}");
        }
    }

    /// <summary>Dropping the table tells every holder what it lost (mode and permits included) and refuses every pending wait.</summary>
    private void VerifyDropAll()
    {
        _step++;
        _op = null;
        _expected.Clear();
        var sentBefore = _fx.Sent.Count;
        _table.DropAll("restarted");

        foreach (var wait in _waits)
        {
            Expect(wait.ReplyTo, new LockRefused(wait.Keys[0], RefusalReason.ManagerRestarted, ""));
        }

        var held = _holders.SelectMany(kv => kv.Value.Select(h => (Key: kv.Key, Holding: h)));
        foreach (var group in held.GroupBy(x => x.Holding.Token!.Value))
        {
            var grant = _grantByToken[group.Key];
            var keys = grant.Keys.Where(k => group.Any(x => Equals(x.Key, k))).ToArray();
            var lost = grant with { Keys = keys };
            _expected.Add(Describe(grant.Owner, new LockLost(lost, "restarted")));
        }

        var actual = _fx.Sent.Skip(sentBefore).Select(m => Describe(m.To, m.Message)).Order(StringComparer.Ordinal).ToList();
        var expected = _expected.Order(StringComparer.Ordinal).ToList();
        Check(actual.SequenceEqual(expected), () =>
            $"DropAll replies differ\n  expected: {string.Join("\n            ", expected)}\n  actual:   {string.Join("\n            ", actual)}");
        Check(_table.KeyCount == 0 && _table.PartyCount == 0, () => "DropAll left state behind");
    }

    private static bool IsFinal(object message) => message is LockAcquired or LockTimedOut or LockRefused or AwaitCancelled;

    /// <summary>A message without what the model cannot know (fencing tokens of new grants, refusal wording).</summary>
    private static string Describe(IActorRef? to, object message)
    {
        static string Keys(IEnumerable<object> keys) => string.Join(",", keys);
        static string Grant(LockGrant g) =>
            $"{Keys(g.Keys)} multi={g.IsMulti} owner={g.Owner} {(g.Mode == LockMode.Shared ? "shared" : g.Mode.ToString().ToLowerInvariant())} permits={g.Permits} meta={g.Metadata}";

        var text = message switch
        {
            LockAcquired x => $"Acquired {Grant(x.Grant)}",
            LockBusy x => $"Busy {x.Key} owner={x.Owner}",
            LockTimedOut x => $"TimedOut {Keys(x.Keys)}",
            LockRefused x => $"Refused {x.Key} {x.Cause}",
            AwaitCancelled x => $"Cancelled {Keys(x.Keys)}",
            Released x => $"Released {Keys(x.Keys)}",
            ReleaseFailed x => $"ReleaseFailed {x.Key} {x.Cause} owner={x.CurrentOwner}",
            GoodbyeDone x => $"GoodbyeDone {Keys(x.Keys.Order(Comparer<object>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))))}",
            GaveAway x => $"GaveAway {Grant(x.NewGrant)}",
            LockTransferred x => $"Transferred from={x.From} {Grant(x.Grant)} gift={x.GiftData}",
            LockLost x => $"Lost {Grant(x.Grant)} token={x.Grant.FencingToken} {x.Message}",
            _ => message.ToString(),
        };
        return $"{to?.ToString() ?? "nobody"} <- {text}";
    }

    private void Try(Action check)
    {
        try
        {
            check();
        }
        catch (InvalidOperationException e)
        {
            Check(false, () => e.Message);
        }
    }

    private void Check(bool condition, Func<string> failure)
    {
        if (!condition)
        {
            Fail(failure());
        }
    }

    private void Fail(string failure) =>
        throw new InvalidOperationException($"step {_step} ({_op?.ToString() ?? "DropAll"}) at t={_now}: {failure}");
}
