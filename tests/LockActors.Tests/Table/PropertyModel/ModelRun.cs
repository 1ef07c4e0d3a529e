using Akka.Actor;
using LockActors.Table;

namespace LockActors.Tests.Table;

/// <summary>Runs one operation sequence against a table and the reference model, checking after every step.</summary>
internal sealed partial class ModelRun
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
}
