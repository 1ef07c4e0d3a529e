using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// Random operation sequences run against the <see cref="LockTable"/> and against a deliberately
/// naive reference model of the contract (the README's guarantees and lock modes): per key a list of holdings (owner,
/// mode, permits, token) and a capacity, and one global list of pending waits sorted on demand by
/// priority, then arrival. After every step the contract's invariants are checked on what the table
/// shows, then the table and the model must agree on every reply, on every key's holders, queue and
/// capacity.
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

    /// <summary>
    /// The same with idle owners kept watched (at most two, so the limit is reached all the time):
    /// replies and state must not change at all; only the watches differ, within the settings' bounds.
    /// </summary>
    [Property(MaxTest = Sequences / 5)]
    public Property Keeping_idle_owners_watched_changes_nothing_but_the_watches() =>
        Prop.ForAll(OpGen.Sequences, ops => new ModelRun(maxIdleOwners: 2).Execute(ops));

    /// <summary>
    /// Guards the generator: a property over sequences that never reach shared holders, semaphores
    /// or priority overtakes would pass without testing them. A fixed seed keeps this deterministic.
    /// </summary>
    [Fact]
    public void The_generated_sequences_reach_the_states_the_property_is_about()
    {
        var coverage = new Coverage();
        foreach (var ops in Gen.Sample(OpGen.Sequences.Generator, 40, new Rnd(20240603), 50))
        {
            new ModelRun(coverage).Execute(ops);
        }

        Assert.True(coverage.Operations >= 40 * MinOps, $"only {coverage.Operations} operations ran");
        foreach (var (what, count) in coverage.Counts())
        {
            Assert.True(count >= 10, $"the generated sequences reached '{what}' only {count} times in {coverage.Operations} operations:\n{coverage}");
        }
    }
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

internal abstract record Op
{
    /// <summary>Terms in short: X or S (or the number of an undefined mode), permits/capacity, @priority. X2/3@1 is 2 of 3 permits, exclusive, priority 1.</summary>
    public static string Short(LockTerms t) =>
        $"{t.Mode switch { LockMode.Exclusive => "X", LockMode.Shared => "S", var m => $"mode{(int)m}:" }}{t.Permits}/{t.Capacity}@{t.Priority}";

    public static string Short(int[] keys) => $"[{string.Join(",", keys)}]";
}

internal sealed record TryLockOp(int Owner, int Key, LockTerms Terms) : Op
{
    public override string ToString() => $"TryLock o{Owner} k{Key} {Short(Terms)}";
}

internal sealed record AwaitOp(int Owner, int Key, LockTerms Terms, Timing Timeout, bool ReplyToOwner) : Op
{
    public override string ToString() => $"Await o{Owner} k{Key} {Short(Terms)} {Timeout}{(ReplyToOwner ? " reply-to-owner" : "")}";
}

internal sealed record AwaitAllOp(int Owner, int[] Keys, LockTerms Terms, Timing Timeout, bool ReplyToOwner) : Op
{
    public override string ToString() => $"AwaitAll o{Owner} {Short(Keys)} {Short(Terms)} {Timeout}{(ReplyToOwner ? " reply-to-owner" : "")}";
}

internal sealed record ReleaseOp(int Owner, int Pick, GrantSource Source) : Op;

internal sealed record ReleaseKeysOp(int Owner, int[] Keys, bool OnlyHeldKeys) : Op
{
    public override string ToString() => $"ReleaseKeysOp {{ Owner = {Owner}, Keys = {Short(Keys)}, OnlyHeldKeys = {OnlyHeldKeys} }}";
}

/// <summary>A give-away; <see cref="Heir"/> is an owner's number, or <see cref="NullHeir"/> / <see cref="NobodyHeir"/>.</summary>
internal sealed record GiveAwayOp(int Owner, int Pick, GrantSource Source, int Heir) : Op
{
    public const int NullHeir = -1;
    public const int NobodyHeir = -2;
}

internal sealed record GoodbyeOp(int Owner) : Op;

internal sealed record CancelAwaitOp(int Owner, int[]? Keys) : Op
{
    public override string ToString() => $"CancelAwaitOp {{ Owner = {Owner}, Keys = {(Keys is null ? "null" : Short(Keys))} }}";
}

internal sealed record DieOp(int Owner) : Op;

internal sealed record AdvanceOp(int Ms, bool ToNextWake) : Op;

/// <summary>The manager's periodic sweep of idle owners (see <see cref="LockTable.SweepIdleOwners"/>).</summary>
internal sealed record SweepIdleOp : Op;

internal static class OpGen
{
    public const int Owners = 5;
    public const int KeyCount = 6;

    /// <summary>k0–k3 are locks (capacity 1, shared or exclusive), k4–k5 semaphores of 3 permits.</summary>
    public static int NaturalCapacity(int key) => key < 4 ? 1 : 3;

    private static readonly int[] LockKeys = [0, 1, 2, 3];
    private static readonly int[] SemaphoreKeys = [4, 5];
    private static readonly int[] AllKeys = [0, 1, 2, 3, 4, 5];

    private static readonly Gen<int> Owner = Gen.Choose(0, Owners - 1);
    private static readonly Gen<int> Key = Gen.Choose(0, KeyCount - 1);
    private static readonly Gen<bool> Mostly = Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> Rarely = Mostly.Select(b => !b);

    private static readonly Gen<Timing> Timing = Gen.Frequency(
        (2, Gen.Elements(0, -7).Select(ms => new Timing(TimeoutKind.Immediate, ms))),
        (4, Gen.Choose(1, 80).Select(ms => new Timing(TimeoutKind.Finite, ms))),
        (3, Gen.Constant(new Timing(TimeoutKind.Infinite, 0))),
        (1, Gen.Constant(new Timing(TimeoutKind.Default, 0))));

    /// <summary>Mostly the default priority; now and then below it, or one or two above.</summary>
    private static readonly Gen<int> Priority = Gen.Frequency(
        (14, Gen.Constant(0)), (2, Gen.Constant(-1)), (3, Gen.Constant(1)), (1, Gen.Constant(2)));

    /// <summary>What a well-behaved user asks of a key of this capacity: a lock, shared or not; or some permits of a semaphore.</summary>
    private static Gen<LockTerms> Natural(int capacity) => capacity == 1
        ? Gen.Frequency(
            (3, Gen.Constant(new LockTerms(LockMode.Shared, 1, 1, 0))),
            (5, Gen.Constant(new LockTerms(LockMode.Exclusive, 1, 1, 0))))
        : Gen.Frequency((3, Gen.Constant(1)), (2, Gen.Constant(2)), (1, Gen.Constant(capacity)))
            .Select(permits => new LockTerms(LockMode.Exclusive, Math.Min(permits, capacity), capacity, 0));

    /// <summary>Valid terms that name another capacity than the key's natural one: refused while the key is in use, else they set it.</summary>
    private static Gen<LockTerms> WrongCapacity(int capacity) =>
        from other in Gen.Elements(new[] { 1, 2, 3, 4 }.Where(c => c != capacity).ToArray())
        from terms in Natural(other)
        select terms;

    /// <summary>Terms that can never be granted, each breaking one rule.</summary>
    private static readonly Gen<LockTerms> Invalid = Gen.Elements(
        new LockTerms(LockMode.Exclusive, 1, 0, 0),
        new LockTerms(LockMode.Exclusive, 1, -2, 0),
        new LockTerms(LockMode.Exclusive, 0, 1, 0),
        new LockTerms(LockMode.Exclusive, -1, 3, 0),
        new LockTerms(LockMode.Exclusive, 4, 3, 0),
        new LockTerms(LockMode.Exclusive, 2, 1, 0),
        new LockTerms(LockMode.Shared, 1, 3, 0),
        new LockTerms(LockMode.Shared, 2, 2, 0),
        new LockTerms((LockMode)7, 1, 1, 0));

    /// <summary>Terms for a request whose (first) key has <paramref name="capacity"/>; TryLock passes no priority.</summary>
    private static Gen<LockTerms> Terms(int capacity, bool withPriority) =>
        from terms in Gen.Frequency((90, Natural(capacity)), (6, WrongCapacity(capacity)), (4, Invalid))
        from priority in withPriority ? Priority : Gen.Constant(0)
        select terms with { Priority = priority };

    /// <summary>1 to <paramref name="max"/> distinct keys of <paramref name="pool"/> in random order; now and then with a duplicate added.</summary>
    private static Gen<int[]> KeyList(int max, int[] pool)
    {
        var distinct = Gen.Choose(1, Math.Min(max, pool.Length)).SelectMany(n =>
            Gen.Shuffle(pool).Select(all => all.Take(n).ToArray()));
        return Gen.Frequency(
            (24, distinct),
            (1, distinct.SelectMany(keys => Gen.Choose(0, keys.Length).Select(at => keys.Take(at).Append(keys[0]).Concat(keys.Skip(at)).ToArray()))));
    }

    /// <summary>Keys for an AwaitAll: mostly all locks or all semaphores (one set of terms fits them all), sometimes mixed.</summary>
    private static readonly Gen<int[]> AwaitAllKeys = Gen.Frequency(
        (10, KeyList(3, LockKeys)), (4, KeyList(2, SemaphoreKeys)), (3, KeyList(3, AllKeys)));

    private static readonly Gen<int> Heir = Gen.Frequency(
        (40, Owner), (1, Gen.Constant(GiveAwayOp.NullHeir)), (1, Gen.Constant(GiveAwayOp.NobodyHeir)));

    private static readonly Gen<Op> Operation = Gen.Frequency<Op>(
        (10, from o in Owner from k in Key from t in Terms(NaturalCapacity(k), withPriority: false) select (Op)new TryLockOp(o, k, t)),
        (20, from o in Owner from k in Key from t in Terms(NaturalCapacity(k), withPriority: true) from time in Timing from r in Rarely
            select (Op)new AwaitOp(o, k, t, time, r)),
        (12, from o in Owner from ks in AwaitAllKeys from t in Terms(NaturalCapacity(ks[0]), withPriority: true) from time in Timing from r in Rarely
            select (Op)new AwaitAllOp(o, ks, t, time, r)),
        (15, from o in Owner from p in Gen.Choose(0, 1000) from s in Mostly select (Op)new ReleaseOp(o, p, s ? GrantSource.Held : GrantSource.Any)),
        (5, from o in Owner from ks in KeyList(3, AllKeys) from h in Mostly select (Op)new ReleaseKeysOp(o, ks, h)),
        (6, from o in Owner from p in Gen.Choose(0, 1000) from s in Mostly from h in Heir select (Op)new GiveAwayOp(o, p, s ? GrantSource.Held : GrantSource.Any, h)),
        (3, Owner.Select(o => (Op)new GoodbyeOp(o))),
        (5, from o in Owner from all in Gen.Elements(true, false) from ks in KeyList(2, AllKeys) select (Op)new CancelAwaitOp(o, all ? null : ks.Distinct().ToArray())),
        (2, Owner.Select(o => (Op)new DieOp(o))),
        (12, from ms in Gen.Choose(1, 60) from w in Rarely select (Op)new AdvanceOp(ms, w)),
        (3, Gen.Constant((Op)new SweepIdleOp())));

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

/// <summary>How often a run reached the states the property is about (see the generator guard test).</summary>
internal sealed class Coverage
{
    public int Operations;
    public int SharedHoldersTogether;
    public int SemaphoreHoldersTogether;
    public int ExclusiveWaiterBlocksLaterShared;
    public int GrantedOnArrivalPastLowerPriority;
    public int QueuedBehindSamePriority;
    public int CapacityMismatches;
    public int InvalidTerms;
    public int BusyWithSeveralHolders;
    public int Deadlocks;

    public IEnumerable<(string What, int Count)> Counts() =>
    [
        ("two or more shared holders of a key", SharedHoldersTogether),
        ("two or more holders of a semaphore key", SemaphoreHoldersTogether),
        ("a shared request queued behind an exclusive waiter on a shared key", ExclusiveWaiterBlocksLaterShared),
        ("a request granted on arrival past lower-priority waiters", GrantedOnArrivalPastLowerPriority),
        ("two waits of one priority queued for one key", QueuedBehindSamePriority),
        ("a capacity mismatch refused", CapacityMismatches),
        ("invalid terms refused", InvalidTerms),
        ("TryLock busy on a key with several holders", BusyWithSeveralHolders),
        ("a wait refused as closing a deadlock", Deadlocks),
    ];

    public override string ToString() => string.Join("\n", Counts().Select(c => $"  {c.What}: {c.Count}"));
}

// ---------------------------------------------------------------------------------------
// The reference model and the comparison
// ---------------------------------------------------------------------------------------

/// <summary>Runs one operation sequence against a table and the reference model, checking after every step.</summary>
internal sealed class ModelRun
{
    private static readonly object[] Keys = Enumerable.Range(0, OpGen.KeyCount).Select(i => (object)$"k{i}").ToArray();
    private const string Metadata = "orders-db";

    private readonly LockManagerSettings _settings;
    private readonly int _maxIdleOwners;

    // Idle owners still watched, with the sweep count when each was first seen idle; and the sweeps so far.
    private readonly Dictionary<IActorRef, int> _idleSince = new();
    private int _sweeps;

    private readonly RecordingEffects _fx = new();
    private readonly LockTable _table;
    private readonly FakeRef[] _owners = new FakeRef[OpGen.Owners];
    private readonly int[] _generation = new int[OpGen.Owners];
    private readonly Coverage? _coverage;

    // The model: every key's holdings (tokens learnt from the table's grants) and its capacity while
    // in use; every pending wait in arrival order (the queue order is computed when needed).
    private readonly Dictionary<object, List<Holding>> _holders = Keys.ToDictionary(k => k, _ => new List<Holding>());
    private readonly Dictionary<object, int> _capacity = new();
    private readonly List<ModelWait> _waits = new();

    // What the model expects the current step to send: exact messages, and messages where the contract
    // lets the table pick (any holder); self-deadlock refusals made while settling are matched at the
    // end of the step (see RefuseSelfDeadlocks).
    private readonly List<string> _expected = new();
    private readonly List<List<string>> _expectedOneOf = new();
    private readonly List<ModelWait> _refusedWhileSettling = new();

    // The waits pending before the step and the wait the step's request became: what the grant-order
    // invariants judge the table's grants against.
    private List<ModelWait> _waitsBefore = new();
    private ModelWait? _request;

    // Bookkeeping over the whole run.
    private readonly List<LockGrant> _grants = new();
    private readonly Dictionary<long, LockGrant> _grantByToken = new();
    private readonly Dictionary<IActorRef, int> _finalRepliesByRequest = new();
    private long _now;
    private int _requests;
    private long _arrivals;
    private long _lastToken;
    private int _step;
    private Op? _op;

    /// <param name="coverage">Where to count the states reached, if anywhere.</param>
    /// <param name="maxIdleOwners">Owners kept watched while idle; 0 unwatches them at once (the contract's plain rule).</param>
    public ModelRun(Coverage? coverage = null, int maxIdleOwners = 0)
    {
        _coverage = coverage;
        _maxIdleOwners = maxIdleOwners;
        _settings = new LockManagerSettings
        {
            Metadata = Metadata,
            DefaultAwaitTimeout = TimeSpan.FromMilliseconds(30),
            MaxIdleOwnersWatched = maxIdleOwners,
        };
        _table = new LockTable(_settings, _fx);
        for (var i = 0; i < _owners.Length; i++)
        {
            _owners[i] = new FakeRef($"o{i}.0");
        }
    }

    private sealed class Holding(IActorRef owner, LockMode mode, int permits)
    {
        public readonly IActorRef Owner = owner;
        public readonly LockMode Mode = mode;
        public readonly int Permits = permits;
        public long? Token;

        public override string ToString() => $"{Owner} {(Mode == LockMode.Shared ? "S" : "X")}{Permits} #{Token}";
    }

    /// <summary>A pending wait; compared by reference, like the requests it stands for.</summary>
    private sealed class ModelWait(IActorRef owner, IActorRef replyTo, object[] keys, bool isMulti, LockTerms terms, long arrival, long deadline)
    {
        public IActorRef Owner { get; } = owner;
        public IActorRef ReplyTo { get; } = replyTo;
        public object[] Keys { get; } = keys;
        public bool IsMulti { get; } = isMulti;
        public LockMode Mode { get; } = terms.Mode;
        public int Permits { get; } = terms.Permits;
        public int Priority { get; } = terms.Priority;

        /// <summary>Arrival order over the whole run.</summary>
        public long Arrival { get; } = arrival;

        public long Deadline { get; } = deadline;

        public LockWaiter AsWaiter => new(Owner, Mode, Permits, Priority, Keys);

        public override string ToString() =>
            $"{Owner}'s {(IsMulti ? "AwaitAll" : "Await")} #{Arrival} [{string.Join(",", Keys)}] {(Mode == LockMode.Shared ? "shared" : "exclusive")} {Permits} permit(s) priority {Priority}";
    }

    public bool Execute(Op[] ops)
    {
        foreach (var op in ops)
        {
            _step++;
            _op = op;
            var sentBefore = _fx.Sent.Count;
            _expected.Clear();
            _expectedOneOf.Clear();
            _refusedWhileSettling.Clear();
            _waitsBefore = _waits.ToList();
            _request = null;
            Apply(op);
            Verify(sentBefore);
        }

        VerifyEveryRequestGotExactlyOneFinalReply();
        VerifyDropAll();
        return true;
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
                var (owner, key, terms) = (_owners[x.Owner], Keys[x.Key], x.Terms);
                _table.TryLock(owner, owner, key, terms);
                if (!Valid(terms))
                {
                    Expect(owner, new LockRefused(null, RefusalReason.InvalidRequest, ""));
                    Count(c => c.InvalidTerms++);
                }
                else if (CapacityOf(key) is { } capacity && capacity != terms.Capacity)
                {
                    Expect(owner, new LockRefused(key, RefusalReason.CapacityMismatch, ""));
                    Count(c => c.CapacityMismatches++);
                }
                else if (IsHeldBy(key, owner))
                {
                    Expect(owner, new LockBusy(key, owner));
                }
                else if (IsAwaited(key) || !Admits(key, terms.Mode, terms.Permits))
                {
                    // Any current holder may be named; none when the key is only promised to a waiter.
                    var holders = _holders[key];
                    ExpectOneOf(owner, holders.Count == 0 ? [new LockBusy(key, null)] : holders.Select(h => (object)new LockBusy(key, h.Owner)));
                    Count(c => c.BusyWithSeveralHolders += holders.Count > 1 ? 1 : 0);
                }
                else
                {
                    BringIntoUse([key], terms);
                    Grant(owner, owner, [key], isMulti: false, terms.Mode, terms.Permits);
                }

                break;
            }

            case AwaitOp x:
            {
                var owner = _owners[x.Owner];
                var replyTo = NewRequest(owner, x.ReplyToOwner);
                var key = Keys[x.Key];
                _table.Await(owner, replyTo, key, x.Timeout.ToTimeSpan(), x.Terms, _now);
                RequestWait(owner, replyTo, [key], isMulti: false, x.Terms, x.Timeout, _settings.DefaultAwaitTimeout);
                break;
            }

            case AwaitAllOp x:
            {
                var owner = _owners[x.Owner];
                var replyTo = NewRequest(owner, x.ReplyToOwner);
                var keys = x.Keys.Select(i => Keys[i]).ToArray();
                _table.AwaitAll(owner, replyTo, keys, x.Timeout.ToTimeSpan(), x.Terms, _now);
                if (FirstDuplicate(keys) is { } duplicate)
                {
                    Expect(replyTo, new LockRefused(duplicate, RefusalReason.DuplicateKey, ""));
                }
                else
                {
                    RequestWait(owner, replyTo, keys, isMulti: true, x.Terms, x.Timeout, _settings.DefaultAwaitTimeout);
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
                    Free(owner, grant.Keys);
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
                    Free(owner, keys);
                    Expect(owner, new Released(keys));
                }

                break;
            }

            case GiveAwayOp x:
            {
                var owner = _owners[x.Owner];
                IActorRef? heir = x.Heir switch
                {
                    GiveAwayOp.NullHeir => null,
                    GiveAwayOp.NobodyHeir => ActorRefs.Nobody,
                    var i => _owners[i],
                };
                if (PickGrant(owner, x.Pick, x.Source) is not { } grant)
                {
                    break;
                }

                var gift = $"gift{_step}";
                _table.GiveAway(owner, owner, grant, heir, gift);
                if (heir is null || heir.IsNobody())
                {
                    Expect(owner, new LockRefused(null, RefusalReason.InvalidRequest, ""));
                }
                else if (CheckOwnership(owner, owner, grant.Keys, grant.FencingToken))
                {
                    // Only an owner that passed the ownership check is told it names itself.
                    if (heir.Equals(owner))
                    {
                        Expect(owner, new LockRefused(grant.Keys[0], RefusalReason.AlreadyOwner, ""));
                        break;
                    }

                    if (grant.Keys.FirstOrDefault(k => IsHeldBy(k, heir)) is { } taken)
                    {
                        Expect(owner, new LockRefused(taken, RefusalReason.AlreadyOwner, ""));
                        break;
                    }

                    foreach (var key in grant.Keys)
                    {
                        var holders = _holders[key];
                        var given = holders.Single(h => Same(h.Owner, owner));
                        holders.Remove(given);
                        holders.Add(new Holding(heir, given.Mode, given.Permits));
                    }

                    var newGrant = MakeGrant(grant.Keys, grant.IsMulti, heir, grant.Mode, grant.Permits);
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
                foreach (var wait in _waits.Where(w => Same(w.Owner, owner) && (keys is null || w.Keys.Any(keys.Contains))).ToList())
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

            case SweepIdleOp:
                _table.SweepIdleOwners();
                _sweeps++;
                break;

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

    // -----------------------------------------------------------------------------------
    // Checks
    // -----------------------------------------------------------------------------------

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
