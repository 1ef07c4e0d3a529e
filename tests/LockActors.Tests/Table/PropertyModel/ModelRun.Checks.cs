using Akka.Actor;
using LockActors.Table;

namespace LockActors.Tests.Table;

// Checks after every step: the table's replies, tokens, keys, watches and wake-ups against the model.
internal sealed partial class ModelRun
{
    private void Verify(int sentBefore)
    {
        var sent = _fx.Sent.Skip(sentBefore).ToList();
        var status = Keys.ToDictionary(k => k, k => _table.Status(k));

        // 1. The contract's invariants, on what the table shows, before anything is compared with the model.
        CheckHolders(status);
        CheckGrantOrder(sent, status);
        CheckQueues(status);

        // 2. The table's own consistency check and the watch bookkeeping.
        Try(_table.CheckInvariants);
        Check(_fx.WatchErrors.Count == 0, () => "watch bookkeeping: " + string.Join("; ", _fx.WatchErrors));

        // 3. The replies of this step, as a multiset (grants freed by one step may go out in any order).
        var actual = sent.Select(m => Describe(m.To, m.Message)).Order(StringComparer.Ordinal).ToList();
        var unmatched = actual.ToList();
        var missing = new List<string>();
        foreach (var message in _expected)
        {
            if (!unmatched.Remove(message))
            {
                missing.Add(message);
            }
        }

        var choices = _expectedOneOf
            .Concat(_refusedWhileSettling.Select(w => w.Keys.Where(k => IsHeldBy(k, w.Owner))
                .Select(k => Describe(w.ReplyTo, new LockRefused(k, RefusalReason.SelfDeadlock, ""))).ToList()))
            .ToList();
        if (MatchEach(choices, 0, unmatched) is { } matched)
        {
            foreach (var message in matched)
            {
                unmatched.Remove(message);
            }
        }
        else
        {
            missing.AddRange(choices.Select(c => c.Count == 1 ? c[0] : $"one of: {string.Join(" | ", c)}"));
        }

        Check(missing.Count == 0 && unmatched.Count == 0, () =>
        {
            var expected = _expected.Concat(choices.Select(c => c.Count == 1 ? c[0] : $"one of: {string.Join(" | ", c)}")).Order(StringComparer.Ordinal);
            return $"replies differ\n  expected: {string.Join("\n            ", expected)}\n  actual:   {string.Join("\n            ", actual)}";
        });

        // 4. Fencing tokens strictly increase; the model learns the tokens of the grants it predicted.
        foreach (var message in sent.Select(m => m.Message))
        {
            if (message is LockRefused refused)
            {
                Check(!string.IsNullOrWhiteSpace(refused.Message) && (refused.Key is null || refused.Message.Contains(refused.Key.ToString()!)),
                    () => $"refusal message does not name the key: {refused}");
            }

            var grant = message switch
            {
                LockAcquired x => x.Grant,
                GaveAway x => x.NewGrant,
                _ => null,
            };
            if (grant is null)
            {
                continue;
            }

            Check(grant.FencingToken > _lastToken, () => $"fencing token {grant.FencingToken} after {_lastToken}");
            _lastToken = grant.FencingToken;
            _grants.Add(grant);
            _grantByToken.Add(grant.FencingToken, grant);
            foreach (var key in grant.Keys)
            {
                var holding = _holders[key].Find(h => Same(h.Owner, grant.Owner) && h.Token is null);
                Check(holding is not null, () => $"the table granted {key} to {grant.Owner} but the model did not");
                holding!.Token = grant.FencingToken;
            }
        }

        Check(_table.LastToken == _lastToken, () => $"LastToken {_table.LastToken}, last token sent {_lastToken}");
        Check(_holders.Values.All(hs => hs.All(h => h.Token is not null)), () => "a key the model granted got no grant from the table");

        // 5. Every key: its holders (oldest grant first), its capacity, its queue in priority-then-arrival order.
        var order = InOrder();
        foreach (var key in Keys)
        {
            CompareKey(key, status[key], order);
        }

        var parties = new List<IActorRef>();
        foreach (var party in _holders.Values.SelectMany(hs => hs).Select(h => h.Owner).Concat(_waits.Select(w => w.Owner)))
        {
            if (!parties.Exists(p => Same(p, party)))
            {
                parties.Add(party);
            }
        }

        var busyKeys = Keys.Count(InUse);
        Check(_table.KeyCount == busyKeys, () => $"KeyCount {_table.KeyCount}, model {busyKeys}");
        Check(_table.PartyCount == parties.Count, () => $"PartyCount {_table.PartyCount}, model {parties.Count}");
        Check(parties.All(_fx.Watched.Contains),
            () => $"watched [{string.Join(",", _fx.Watched)}], holding or waiting [{string.Join(",", parties)}]");

        // An owner that holds and waits for nothing is unwatched at once, or kept watched within the
        // settings' bounds: at most so many, none past the second sweep after it went idle.
        var idle = _fx.Watched.Where(w => !parties.Exists(p => Same(p, w))).ToList();
        foreach (var gone in _idleSince.Keys.Where(a => !idle.Contains(a)).ToList())
        {
            _idleSince.Remove(gone);
        }

        foreach (var actor in idle)
        {
            _idleSince.TryAdd(actor, _sweeps);
        }

        Check(idle.Count <= _maxIdleOwners && _table.IdleOwnerCount == idle.Count,
            () => $"idle owners still watched [{string.Join(",", idle)}], table counts {_table.IdleOwnerCount}, at most {_maxIdleOwners} allowed");
        Check(_idleSince.All(i => i.Value >= _sweeps - 1),
            () => $"idle owners watched past the second sweep: {string.Join(",", _idleSince.Where(i => i.Value < _sweeps - 1).Select(i => i.Key))}");

        // 6. The manager will be woken no later than the earliest pending deadline.
        var nextDeadline = _waits.Where(w => w.Deadline != LockTable.Never).Select(w => (long?)w.Deadline).Min();
        if (nextDeadline is { } due)
        {
            Check(_fx.LastWakeAt is { } wake && wake <= due, () => $"next deadline {due} but wake-up asked for {_fx.LastWakeAt}");
        }

        // 7. At most one final reply per Await/AwaitAll so far.
        foreach (var m in sent)
        {
            if (m.To is { } to && _finalRepliesByRequest.TryGetValue(to, out var count) && IsFinal(m.Message))
            {
                _finalRepliesByRequest[to] = count + 1;
                Check(count == 0, () => $"{to} got a second final reply: {m.Message}");
            }
        }

        Count(c => c.Operations++);
    }

    /// <summary>
    /// One key as the table shows it, against the model: holders oldest grant first, owner and token of
    /// the oldest, capacity, and queue in priority-then-arrival order. Written as loops that allocate
    /// nothing unless they fail: it runs for every key after every step.
    /// </summary>
    private void CompareKey(object key, KeyStatus s, List<ModelWait> order)
    {
        var holders = _holders[key];
        holders.Sort(ByToken);
        var same = s.Holders.Count == holders.Count;
        for (var i = 0; same && i < holders.Count; i++)
        {
            var (shown, held) = (s.Holders[i], holders[i]);
            same = Same(shown.Owner, held.Owner) && shown.Mode == held.Mode && shown.Permits == held.Permits && shown.FencingToken == held.Token;
        }

        if (!same)
        {
            Fail($"key {key}: table holders [{string.Join(", ", s.Holders.Select(Show))}], model [{string.Join(", ", holders)}]");
        }

        var oldest = holders.Count == 0 ? null : holders[0];
        if (!Same(s.Owner, oldest?.Owner) || s.FencingToken != oldest?.Token)
        {
            Fail($"key {key}: table says owner {s.Owner} token {s.FencingToken}, oldest holder is {oldest}");
        }

        var capacity = CapacityOf(key) ?? 1;
        if (s.Capacity != capacity)
        {
            Fail($"key {key}: table says capacity {s.Capacity}, model {capacity}");
        }

        var at = 0;
        same = s.Waiters.Count == s.Queue.Count;
        foreach (var wait in order)
        {
            if (!same)
            {
                break;
            }

            if (Array.IndexOf(wait.Keys, key) >= 0)
            {
                same = at < s.Queue.Count && Same(s.Queue[at], wait.AsWaiter) && Same(s.Waiters[at], wait.Owner);
                at++;
            }
        }

        if (!same || at != s.Queue.Count)
        {
            Fail($"key {key}: table queue [{string.Join(", ", s.Queue.Select(Show))}], model [{string.Join(", ", order.Where(w => w.Keys.Contains(key)).Select(w => Show(w.AsWaiter)))}]");
        }

        if (_coverage is not null)
        {
            _coverage.SharedHoldersTogether += holders.Count(h => h.Mode == LockMode.Shared) > 1 ? 1 : 0;
            _coverage.SemaphoreHoldersTogether += capacity > 1 && holders.Count > 1 ? 1 : 0;
        }
    }

    private static readonly Comparison<Holding> ByToken = (a, b) => Nullable.Compare(a.Token, b.Token);
}
