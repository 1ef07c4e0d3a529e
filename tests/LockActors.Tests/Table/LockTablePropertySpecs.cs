using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LockActors.Table;

namespace LockActors.Tests.Table;

/// <summary>
/// Random operation sequences run against the <see cref="LockTable"/> and against a deliberately
/// naive reference model of the contract (API.md): a key → owner map and one global list of pending
/// waits in arrival order. After every step the two must agree on every reply, on who holds each
/// key and on who waits for it, in which order.
/// </summary>
public sealed class LockTablePropertySpecs
{
    /// <summary>Sequences per run; with at least <see cref="MinOps"/> operations each, a run executes 100,000+ operations.</summary>
    private const int Sequences = 500;

    internal const int MinOps = 200;
    internal const int MaxOps = 260;

    [Property(MaxTest = Sequences)]
    public Property The_table_behaves_like_the_reference_model_over_random_operation_sequences() =>
        Prop.ForAll(OpGen.Sequences, ops => new ModelRun().Execute(ops));
}

// ---------------------------------------------------------------------------------------
// Operations: abstract, resolved against the state when they run, so that any sub-sequence
// (which is what shrinking produces) is still a valid sequence.
// ---------------------------------------------------------------------------------------

internal enum TimeoutKind { Immediate, Finite, Infinite, Default }

internal readonly record struct Timing(TimeoutKind Kind, int Ms)
{
    public TimeSpan? ToTimeSpan() => Kind switch
    {
        TimeoutKind.Immediate => TimeSpan.FromMilliseconds(Ms),
        TimeoutKind.Finite => TimeSpan.FromMilliseconds(Ms),
        TimeoutKind.Infinite => Timeout.InfiniteTimeSpan,
        _ => null,
    };

    public override string ToString() => Kind is TimeoutKind.Infinite or TimeoutKind.Default ? Kind.ToString() : $"{Ms}ms";
}

/// <summary>Which grant a Release or GiveAway presents.</summary>
internal enum GrantSource
{
    /// <summary>One the owner still fully holds, when there is one.</summary>
    Held,

    /// <summary>Any grant ever handed out: stale, partly released, or someone else's.</summary>
    Any,
}

internal abstract record Op;

internal sealed record TryLockOp(int Owner, int Key) : Op;

internal sealed record AwaitOp(int Owner, int Key, Timing Timeout, bool ReplyToOwner) : Op;

internal sealed record AwaitAllOp(int Owner, int[] Keys, Timing Timeout, bool ReplyToOwner) : Op
{
    public override string ToString() => $"AwaitAllOp {{ Owner = {Owner}, Keys = [{string.Join(",", Keys)}], Timeout = {Timeout}, ReplyToOwner = {ReplyToOwner} }}";
}

internal sealed record ReleaseOp(int Owner, int Pick, GrantSource Source) : Op;

internal sealed record ReleaseKeysOp(int Owner, int[] Keys, bool OnlyHeldKeys) : Op
{
    public override string ToString() => $"ReleaseKeysOp {{ Owner = {Owner}, Keys = [{string.Join(",", Keys)}], OnlyHeldKeys = {OnlyHeldKeys} }}";
}

internal sealed record GiveAwayOp(int Owner, int Pick, GrantSource Source, int Heir) : Op;

internal sealed record GoodbyeOp(int Owner) : Op;

internal sealed record CancelAwaitOp(int Owner, int[]? Keys) : Op
{
    public override string ToString() => $"CancelAwaitOp {{ Owner = {Owner}, Keys = {(Keys is null ? "null" : $"[{string.Join(",", Keys)}]")} }}";
}

internal sealed record DieOp(int Owner) : Op;

internal sealed record AdvanceOp(int Ms, bool ToNextWake) : Op;

internal static class OpGen
{
    public const int Owners = 5;
    public const int KeyCount = 6;

    private static readonly Gen<int> Owner = Gen.Choose(0, Owners - 1);
    private static readonly Gen<int> Key = Gen.Choose(0, KeyCount - 1);
    private static readonly Gen<bool> Mostly = Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> Rarely = Mostly.Select(b => !b);

    private static readonly Gen<Timing> Timing = Gen.Frequency(
        (2, Gen.Elements(0, -7).Select(ms => new Timing(TimeoutKind.Immediate, ms))),
        (4, Gen.Choose(1, 80).Select(ms => new Timing(TimeoutKind.Finite, ms))),
        (3, Gen.Constant(new Timing(TimeoutKind.Infinite, 0))),
        (1, Gen.Constant(new Timing(TimeoutKind.Default, 0))));

    /// <summary>1 to <paramref name="max"/> distinct keys in random order; now and then with a duplicate added.</summary>
    private static Gen<int[]> KeyList(int max)
    {
        var distinct = Gen.Choose(1, max).SelectMany(n =>
            Gen.Shuffle(Enumerable.Range(0, KeyCount)).Select(all => all.Take(n).ToArray()));
        return Gen.Frequency(
            (24, distinct),
            (1, distinct.SelectMany(keys => Gen.Choose(0, keys.Length).Select(at => keys.Take(at).Append(keys[0]).Concat(keys.Skip(at)).ToArray()))));
    }

    private static readonly Gen<Op> Operation = Gen.Frequency<Op>(
        (10, from o in Owner from k in Key select (Op)new TryLockOp(o, k)),
        (20, from o in Owner from k in Key from t in Timing from r in Rarely select (Op)new AwaitOp(o, k, t, r)),
        (12, from o in Owner from ks in KeyList(3) from t in Timing from r in Rarely select (Op)new AwaitAllOp(o, ks, t, r)),
        (15, from o in Owner from p in Gen.Choose(0, 1000) from s in Mostly select (Op)new ReleaseOp(o, p, s ? GrantSource.Held : GrantSource.Any)),
        (5, from o in Owner from ks in KeyList(3) from h in Mostly select (Op)new ReleaseKeysOp(o, ks, h)),
        (6, from o in Owner from p in Gen.Choose(0, 1000) from s in Mostly from h in Owner select (Op)new GiveAwayOp(o, p, s ? GrantSource.Held : GrantSource.Any, h)),
        (3, Owner.Select(o => (Op)new GoodbyeOp(o))),
        (5, from o in Owner from all in Gen.Elements(true, false) from ks in KeyList(2) select (Op)new CancelAwaitOp(o, all ? null : ks.Distinct().ToArray())),
        (2, Owner.Select(o => (Op)new DieOp(o))),
        (12, from ms in Gen.Choose(1, 60) from w in Rarely select (Op)new AdvanceOp(ms, w)));

    public static readonly Arbitrary<Op[]> Sequences = Arb.From(
        Gen.Choose(LockTablePropertySpecs.MinOps, LockTablePropertySpecs.MaxOps).SelectMany(n => Gen.ArrayOf(Operation, n)),
        Shrink);

    /// <summary>Shrinks by dropping ever smaller runs of operations.</summary>
    private static IEnumerable<Op[]> Shrink(Op[] ops)
    {
        for (var chunk = ops.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start + chunk <= ops.Length; start += chunk)
            {
                yield return ops.Take(start).Concat(ops.Skip(start + chunk)).ToArray();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The reference model and the comparison
// ---------------------------------------------------------------------------------------

/// <summary>Runs one operation sequence against a table and the reference model, checking after every step.</summary>
internal sealed class ModelRun
{
    private static readonly object[] Keys = Enumerable.Range(0, OpGen.KeyCount).Select(i => (object)$"k{i}").ToArray();
    private const string Metadata = "orders-db";

    private readonly LockManagerSettings _settings = new LockManagerSettings
    {
        Metadata = Metadata,
        DefaultAwaitTimeout = TimeSpan.FromMilliseconds(30),
    }.Validated();

    private readonly RecordingEffects _fx = new();
    private readonly LockTable _table;
    private readonly FakeRef[] _owners = new FakeRef[OpGen.Owners];
    private readonly int[] _generation = new int[OpGen.Owners];

    // The model: who holds each key (and under which token, learnt from the table's grant), and
    // every pending wait in arrival order.
    private readonly Dictionary<object, Holding> _held = new();
    private readonly List<ModelWait> _waits = new();

    // What the model expects the current step to send; self-deadlock refusals made while settling
    // are matched at the end of the step (see RefuseSelfDeadlocks).
    private readonly List<string> _expected = new();
    private readonly List<ModelWait> _refusedWhileSettling = new();

    // Bookkeeping over the whole run.
    private readonly List<LockGrant> _grants = new();
    private readonly Dictionary<long, LockGrant> _grantByToken = new();
    private readonly Dictionary<IActorRef, int> _finalRepliesByRequest = new();
    private long _now;
    private int _requests;
    private long _lastToken;
    private int _step;
    private Op? _op;

    public ModelRun()
    {
        _table = new LockTable(_settings, _fx);
        for (var i = 0; i < _owners.Length; i++)
        {
            _owners[i] = new FakeRef($"o{i}.0");
        }
    }

    private sealed class Holding(IActorRef owner)
    {
        public readonly IActorRef Owner = owner;
        public long? Token;
    }

    /// <summary>A pending wait; compared by reference, like the requests it stands for.</summary>
    private sealed class ModelWait(IActorRef owner, IActorRef replyTo, object[] keys, bool isMulti, long deadline)
    {
        public IActorRef Owner { get; } = owner;
        public IActorRef ReplyTo { get; } = replyTo;
        public object[] Keys { get; } = keys;
        public bool IsMulti { get; } = isMulti;
        public long Deadline { get; } = deadline;
    }

    public void Execute(Op[] ops)
    {
        foreach (var op in ops)
        {
            _step++;
            _op = op;
            var sentBefore = _fx.Sent.Count;
            _expected.Clear();
            _refusedWhileSettling.Clear();
            Apply(op);
            Verify(sentBefore);
        }

        VerifyEveryRequestGotExactlyOneFinalReply();
        VerifyDropAll();
    }

    // -----------------------------------------------------------------------------------
    // Steps: each runs the operation on the table and on the model
    // -----------------------------------------------------------------------------------

    private void Apply(Op op)
    {
        switch (op)
        {
            case TryLockOp x:
            {
                var (owner, key) = (_owners[x.Owner], Keys[x.Key]);
                _table.TryLock(owner, owner, key);
                if (_held.TryGetValue(key, out var h))
                {
                    Expect(owner, new LockBusy(key, h.Owner));
                }
                else if (IsAwaited(key))
                {
                    Expect(owner, new LockBusy(key, null));
                }
                else
                {
                    Grant(owner, owner, [key], isMulti: false);
                }

                break;
            }

            case AwaitOp x:
            {
                var owner = _owners[x.Owner];
                var replyTo = NewRequest(owner, x.ReplyToOwner);
                var key = Keys[x.Key];
                _table.Await(owner, replyTo, key, x.Timeout.ToTimeSpan(), _now);
                RequestWait(owner, replyTo, [key], isMulti: false, x.Timeout, _settings.DefaultAwaitTimeout);
                break;
            }

            case AwaitAllOp x:
            {
                var owner = _owners[x.Owner];
                var replyTo = NewRequest(owner, x.ReplyToOwner);
                var keys = x.Keys.Select(i => Keys[i]).ToArray();
                _table.AwaitAll(owner, replyTo, keys, x.Timeout.ToTimeSpan(), _now);
                if (FirstDuplicate(keys) is { } duplicate)
                {
                    Expect(replyTo, new LockRefused(duplicate, RefusalReason.DuplicateKey, ""));
                }
                else
                {
                    RequestWait(owner, replyTo, keys, isMulti: true, x.Timeout, _settings.DefaultAwaitAllTimeout);
                }

                break;
            }

            case ReleaseOp x:
            {
                var owner = _owners[x.Owner];
                if (PickGrant(owner, x.Pick, x.Source) is not { } grant)
                {
                    break;
                }

                _table.Release(owner, owner, grant);
                if (CheckOwnership(owner, owner, grant.Keys, grant.FencingToken))
                {
                    Free(grant.Keys);
                    Expect(owner, new Released(grant.Keys));
                }

                break;
            }

            case ReleaseKeysOp x:
            {
                var owner = _owners[x.Owner];
                var keys = x.Keys.Select(i => Keys[i]).ToArray();
                if (x.OnlyHeldKeys && keys.Where(k => IsHeldBy(k, owner)).ToArray() is { Length: > 0 } mine)
                {
                    keys = mine;
                }

                _table.ReleaseKeys(owner, owner, keys);
                if (FirstDuplicate(keys) is { } duplicate)
                {
                    Expect(owner, new LockRefused(duplicate, RefusalReason.DuplicateKey, ""));
                }
                else if (CheckOwnership(owner, owner, keys, token: null))
                {
                    Free(keys);
                    Expect(owner, new Released(keys));
                }

                break;
            }

            case GiveAwayOp x:
            {
                var owner = _owners[x.Owner];
                var heir = _owners[x.Heir];
                if (PickGrant(owner, x.Pick, x.Source) is not { } grant)
                {
                    break;
                }

                var gift = $"gift{_step}";
                _table.GiveAway(owner, owner, grant, heir, gift);
                if (heir.Equals(owner))
                {
                    Expect(owner, new LockRefused(grant.Keys[0], RefusalReason.AlreadyOwner, ""));
                }
                else if (CheckOwnership(owner, owner, grant.Keys, grant.FencingToken))
                {
                    foreach (var key in grant.Keys)
                    {
                        _held[key] = new Holding(heir);
                    }

                    var newGrant = new LockGrant(grant.Keys, grant.IsMulti, heir, 0, Metadata);
                    Expect(owner, new GaveAway(newGrant));
                    Expect(heir, new LockTransferred(owner, newGrant, gift));
                    RefuseSelfDeadlocks(heir);
                }

                break;
            }

            case GoodbyeOp x:
            {
                var owner = _owners[x.Owner];
                _table.Goodbye(owner, owner);
                var released = ClearOwner(owner, dead: false);
                Expect(owner, new GoodbyeDone(released));
                break;
            }

            case CancelAwaitOp x:
            {
                var owner = _owners[x.Owner];
                var keys = x.Keys?.Select(i => Keys[i]).ToArray();
                _table.CancelAwait(owner, owner, keys);
                foreach (var wait in _waits.Where(w => w.Owner.Equals(owner) && (keys is null || w.Keys.Any(keys.Contains))).ToList())
                {
                    _waits.Remove(wait);
                    Expect(wait.ReplyTo, new AwaitCancelled(wait.Keys));
                }

                break;
            }

            case DieOp x:
            {
                var owner = _owners[x.Owner];
                _fx.ActorDied(owner);
                _table.Terminated(owner);
                ClearOwner(owner, dead: true);

                // A dead actor never comes back: the slot is a fresh actor from now on.
                _generation[x.Owner]++;
                _owners[x.Owner] = new FakeRef($"o{x.Owner}.{_generation[x.Owner]}");
                break;
            }

            case AdvanceOp x:
            {
                _now = x.ToNextWake && _fx.LastWakeAt is { } wake && wake > _now && wake != LockTable.Never ? wake : _now + x.Ms;
                _table.ExpireDue(_now);
                foreach (var wait in _waits.Where(w => w.Deadline <= _now).ToList())
                {
                    _waits.Remove(wait);
                    Expect(wait.ReplyTo, new LockTimedOut(wait.Keys));
                }

                break;
            }

            default:
                throw new InvalidOperationException($"unknown operation {op}");
        }

        Settle();
    }

    private IActorRef NewRequest(IActorRef owner, bool replyToOwner)
    {
        if (replyToOwner)
        {
            return owner;
        }

        // Its own reply address, so every reply can be traced to this one request.
        var replyTo = new FakeRef($"request{++_requests}");
        _finalRepliesByRequest[replyTo] = 0;
        return replyTo;
    }

    /// <summary>The contract for Await/AwaitAll of valid, distinct keys.</summary>
    private void RequestWait(IActorRef owner, IActorRef replyTo, object[] keys, bool isMulti, Timing timing, TimeSpan defaultTimeout)
    {
        if (keys.FirstOrDefault(k => IsHeldBy(k, owner)) is { } mine)
        {
            Expect(replyTo, new LockRefused(mine, RefusalReason.SelfDeadlock, ""));
            return;
        }

        if (keys.All(k => !_held.ContainsKey(k) && !IsAwaited(k)))
        {
            Grant(owner, replyTo, keys, isMulti);
            return;
        }

        var deadline = timing.Kind switch
        {
            TimeoutKind.Immediate => _now,
            TimeoutKind.Finite => _now + timing.Ms,
            TimeoutKind.Infinite => LockTable.Never,
            _ => defaultTimeout == Timeout.InfiniteTimeSpan ? LockTable.Never : _now + (long)defaultTimeout.TotalMilliseconds,
        };
        if (deadline <= _now)
        {
            Expect(replyTo, new LockTimedOut(keys));
            return;
        }

        _waits.Add(new ModelWait(owner, replyTo, keys, isMulti, deadline));
    }

    /// <summary>
    /// The contract's FIFO rule, stated naively: scan the pending waits in arrival order and grant
    /// the first one whose keys are all free and that no earlier pending wait shares a key with;
    /// repeat until none is grantable.
    /// </summary>
    private void Settle()
    {
        while (FirstGrantable() is { } wait)
        {
            _waits.Remove(wait);
            Grant(wait.Owner, wait.ReplyTo, wait.Keys, wait.IsMulti);
        }
    }

    private ModelWait? FirstGrantable()
    {
        for (var i = 0; i < _waits.Count; i++)
        {
            var wait = _waits[i];
            if (wait.Keys.All(k => !_held.ContainsKey(k)) && !_waits.Take(i).Any(earlier => earlier.Keys.Intersect(wait.Keys).Any()))
            {
                return wait;
            }
        }

        return null;
    }

    private void Grant(IActorRef owner, IActorRef replyTo, object[] keys, bool isMulti)
    {
        foreach (var key in keys)
        {
            _held.Add(key, new Holding(owner));
        }

        Expect(replyTo, new LockAcquired(new LockGrant(keys, isMulti, owner, 0, Metadata)));
        RefuseSelfDeadlocks(owner, whileSettling: true);
    }

    /// <summary>
    /// A pending wait of an owner that now holds one of its keys can never be granted. While settling,
    /// several waits of one owner may be granted in one step, in an order the contract leaves open, so
    /// the refusal may name any key of the wait that the owner holds once the step is done.
    /// </summary>
    private void RefuseSelfDeadlocks(IActorRef owner, bool whileSettling = false)
    {
        foreach (var wait in _waits.Where(w => w.Owner.Equals(owner)).ToList())
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
            if (!_held.TryGetValue(key, out var h))
            {
                Expect(replyTo, new ReleaseFailed(key, ReleaseFailure.NotLocked, null));
                return false;
            }

            if (!h.Owner.Equals(owner))
            {
                Expect(replyTo, new ReleaseFailed(key, ReleaseFailure.NotOwner, h.Owner));
                return false;
            }

            if (token is not null && h.Token != token)
            {
                Expect(replyTo, new ReleaseFailed(key, ReleaseFailure.StaleGrant, h.Owner));
                return false;
            }
        }

        return true;
    }

    private void Free(IEnumerable<object> keys)
    {
        foreach (var key in keys)
        {
            _held.Remove(key);
        }
    }

    /// <summary>Goodbye and death: withdraw every wait, release every key. A dead owner is not told of its own cancelled waits.</summary>
    private object[] ClearOwner(IActorRef owner, bool dead)
    {
        foreach (var wait in _waits.Where(w => w.Owner.Equals(owner)).ToList())
        {
            _waits.Remove(wait);
            if (!dead || !wait.ReplyTo.Equals(owner))
            {
                Expect(wait.ReplyTo, new AwaitCancelled(wait.Keys));
            }
        }

        var released = _held.Where(kv => kv.Value.Owner.Equals(owner)).Select(kv => kv.Key).ToArray();
        Free(released);
        return released;
    }

    private LockGrant? PickGrant(IActorRef owner, int pick, GrantSource source)
    {
        if (source == GrantSource.Held)
        {
            var held = _grants.Where(g => g.Owner.Equals(owner) && g.Keys.All(k => _held.TryGetValue(k, out var h) && h.Token == g.FencingToken)).ToList();
            if (held.Count > 0)
            {
                return held[pick % held.Count];
            }
        }

        return _grants.Count == 0 ? null : _grants[pick % _grants.Count];
    }

    private bool IsHeldBy(object key, IActorRef owner) => _held.TryGetValue(key, out var h) && h.Owner.Equals(owner);

    private bool IsAwaited(object key) => _waits.Any(w => w.Keys.Contains(key));

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

    // -----------------------------------------------------------------------------------
    // Checks
    // -----------------------------------------------------------------------------------

    private void Verify(int sentBefore)
    {
        Try(_table.CheckInvariants);
        Check(_fx.WatchErrors.Count == 0, () => "watch bookkeeping: " + string.Join("; ", _fx.WatchErrors));

        // 1. The replies of this step, as a multiset (grants freed by one step may go out in any order).
        var sent = _fx.Sent.Skip(sentBefore).ToList();
        var actual = sent.Select(m => Describe(m.To, m.Message)).Order(StringComparer.Ordinal).ToList();
        var expected = _expected.ToList();
        var allowed = _refusedWhileSettling
            .Select(w => w.Keys.Where(k => IsHeldBy(k, w.Owner)).Select(k => Describe(w.ReplyTo, new LockRefused(k, RefusalReason.SelfDeadlock, ""))).ToList())
            .ToList();
        if (MatchEach(allowed, 0, actual) is not { } matched)
        {
            expected.AddRange(_refusedWhileSettling.Select(w =>
                $"{w.ReplyTo} <- Refused one of [{string.Join(",", w.Keys.Where(k => IsHeldBy(k, w.Owner)))}] SelfDeadlock"));
        }
        else
        {
            foreach (var message in matched)
            {
                actual.Remove(message);
            }
        }

        expected.Sort(StringComparer.Ordinal);
        Check(actual.SequenceEqual(expected), () =>
            $"replies differ\n  expected: {string.Join("\n            ", expected)}\n  actual:   {string.Join("\n            ", actual)}");

        // 2. Fencing tokens strictly increase; the model learns the tokens of the grants it predicted.
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
                _held[key].Token = grant.FencingToken;
            }
        }

        Check(_table.LastToken == _lastToken, () => $"LastToken {_table.LastToken}, last token sent {_lastToken}");
        Check(_held.Values.All(h => h.Token is not null), () => "a key the model granted got no grant from the table");

        // 3. Every key: its one owner and token, its waiters in arrival order.
        foreach (var key in Keys)
        {
            var status = _table.Status(key);
            _held.TryGetValue(key, out var h);
            Check(Equals(status.Owner, h?.Owner) && status.FencingToken == h?.Token,
                () => $"key {key}: table says owner {status.Owner} token {status.FencingToken}, model {h?.Owner} {h?.Token}");
            var waiters = _waits.Where(w => w.Keys.Contains(key)).Select(w => w.Owner).ToList();
            Check(status.Waiters.SequenceEqual(waiters),
                () => $"key {key}: table queue [{string.Join(",", status.Waiters)}], model [{string.Join(",", waiters)}]");

            // Nobody waits on a free key it could take.
            if (status.Owner is null && status.Waiters.Count > 0)
            {
                var first = _waits.First(w => w.Keys.Contains(key));
                Check(first.Keys.Any(k => _held.ContainsKey(k) || _waits.TakeWhile(w => w != first).Any(w => w.Keys.Contains(k))),
                    () => $"key {key} is free and its first waiter {first.Owner} could take all of [{string.Join(",", first.Keys)}]");
            }
        }

        var parties = _held.Values.Select(v => v.Owner).Concat(_waits.Select(w => w.Owner)).ToHashSet();
        var busyKeys = _held.Keys.Concat(_waits.SelectMany(w => w.Keys)).ToHashSet();
        Check(_table.KeyCount == busyKeys.Count, () => $"KeyCount {_table.KeyCount}, model {busyKeys.Count}");
        Check(_table.PartyCount == parties.Count, () => $"PartyCount {_table.PartyCount}, model {parties.Count}");
        Check(_fx.Watched.SetEquals(parties),
            () => $"watched [{string.Join(",", _fx.Watched)}], holding or waiting [{string.Join(",", parties)}]");

        // 4. The manager will be woken no later than the earliest pending deadline.
        var nextDeadline = _waits.Where(w => w.Deadline != LockTable.Never).Select(w => (long?)w.Deadline).Min();
        if (nextDeadline is { } due)
        {
            Check(_fx.LastWakeAt is { } wake && wake <= due, () => $"next deadline {due} but wake-up asked for {_fx.LastWakeAt}");
        }

        // 5. At most one final reply per Await/AwaitAll so far.
        foreach (var m in sent)
        {
            if (m.To is { } to && _finalRepliesByRequest.TryGetValue(to, out var count) && IsFinal(m.Message))
            {
                _finalRepliesByRequest[to] = count + 1;
                Check(count == 0, () => $"{to} got a second final reply: {m.Message}");
            }
        }
    }

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

    /// <summary>Dropping the table tells every holder what it lost and refuses every pending wait.</summary>
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

        foreach (var group in _held.GroupBy(kv => kv.Value.Token!.Value))
        {
            var grant = _grantByToken[group.Key];
            var keys = grant.Keys.Where(k => group.Any(kv => Equals(kv.Key, k))).ToArray();
            _expected.Add($"{grant.Owner} <- Lost {string.Join(",", keys)} token={grant.FencingToken} multi={grant.IsMulti} restarted");
        }

        var actual = _fx.Sent.Skip(sentBefore).Select(m => m.Message is LockLost l
            ? $"{m.To} <- Lost {string.Join(",", l.Grant.Keys)} token={l.Grant.FencingToken} multi={l.Grant.IsMulti} {l.Reason}"
            : Describe(m.To, m.Message)).Order(StringComparer.Ordinal).ToList();
        var expected = _expected.Order(StringComparer.Ordinal).ToList();
        Check(actual.SequenceEqual(expected), () =>
            $"DropAll replies differ\n  expected: {string.Join("\n            ", expected)}\n  actual:   {string.Join("\n            ", actual)}");
        Check(_table.KeyCount == 0 && _table.PartyCount == 0, () => "DropAll left state behind");
    }

    private static bool IsFinal(object message) => message is LockAcquired or LockTimedOut or LockRefused or AwaitCancelled;

    /// <summary>A message without what the model cannot know (fencing tokens, refusal wording).</summary>
    private static string Describe(IActorRef? to, object message)
    {
        static string Keys(IEnumerable<object> keys) => string.Join(",", keys);
        static string Grant(LockGrant g) => $"{Keys(g.Keys)} multi={g.IsMulti} owner={g.Owner} meta={g.Metadata}";

        var text = message switch
        {
            LockAcquired x => $"Acquired {Grant(x.Grant)}",
            LockBusy x => $"Busy {x.Key} owner={x.Owner}",
            LockTimedOut x => $"TimedOut {Keys(x.Keys)}",
            LockRefused x => $"Refused {x.Key} {x.Reason}",
            AwaitCancelled x => $"Cancelled {Keys(x.Keys)}",
            Released x => $"Released {Keys(x.Keys)}",
            ReleaseFailed x => $"ReleaseFailed {x.Key} {x.Cause} owner={x.CurrentOwner}",
            GoodbyeDone x => $"GoodbyeDone {Keys(x.Keys.Order(Comparer<object>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))))}",
            GaveAway x => $"GaveAway {Grant(x.NewGrant)}",
            LockTransferred x => $"Transferred from={x.From} {Grant(x.Grant)} gift={x.GiftData}",
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
            throw new InvalidOperationException($"step {_step} ({_op?.ToString() ?? "DropAll"}) at t={_now}: {failure()}");
        }
    }
}
