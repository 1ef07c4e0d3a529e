using System.Collections.Concurrent;

namespace LockActors.Chaos;

/// <summary>Why an owner left a critical section.</summary>
internal enum LeaveReason
{
    /// <summary>It is about to release the lock (Release, ReleaseKeys, Goodbye, disposal).</summary>
    Release,

    /// <summary>It is about to give the lock away.</summary>
    GiveAway,

    /// <summary>The manager told it the lock is lost (a manager restart).</summary>
    Lost,

    /// <summary>The owner stopped (PostStop), whatever the way it stopped.</summary>
    Stopped,
}

/// <summary>One owner inside the critical section of one key under one grant.</summary>
internal sealed class Holding(object owner, object key, int incarnation, long token, LockMode mode, int permits, int capacity)
{
    public object Owner { get; } = owner;
    public object Key { get; } = key;
    public int Incarnation { get; } = incarnation;
    public long Token { get; } = token;
    public LockMode Mode { get; } = mode;
    public int Permits { get; } = permits;
    public int Capacity { get; } = capacity;

    /// <summary>Set when it overlapped a holder of a later manager incarnation: it must be told LockLost.</summary>
    public bool MustBeLost { get; set; }

    public override string ToString() =>
        $"{Owner} {Mode}x{Permits}/cap {Capacity} token {Token} (incarnation {Incarnation})";
}

/// <summary>
/// Thread-safe record of who is inside which key's critical section. Owners call
/// <see cref="Enter"/> once they hold a grant and <see cref="Leave"/> before they release it (or
/// when they learn it is lost, or stop). Checked on every entry:
/// <list type="bullet">
/// <item>holders from one manager incarnation are compatible: one exclusive holder of a lock key,
/// or only shared ones; on a semaphore key the permits held stay within its capacity; all name one
/// capacity;</item>
/// <item>a holder from an earlier incarnation may overlap a later one (a restart drops every lock)
/// only if its owner is told <see cref="LockLost"/> for that grant, or stops first;</item>
/// <item>fencing tokens of one incarnation grow on a key: a grant that cannot share the key with
/// one that has left before it entered carries a larger token.</item>
/// </list>
/// </summary>
internal sealed class CriticalSectionRecorder
{
    private const int KeptSamples = 20;

    private readonly ConcurrentDictionary<object, KeyRecord> _keys = new();
    private readonly ConcurrentDictionary<(int Incarnation, long Token), byte> _lostGrants = new();
    private readonly ConcurrentQueue<Holding> _awaitingLost = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private long _violationCount;
    private long _entries;
    private long _overlapsAcrossRestarts;
    private long _tokenRestarts;

    public long Entries => Interlocked.Read(ref _entries);

    public long ViolationCount => Interlocked.Read(ref _violationCount);

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Overlaps between holders of different manager incarnations (allowed, each told LockLost).</summary>
    public long OverlapsAcrossRestarts => Interlocked.Read(ref _overlapsAcrossRestarts);

    /// <summary>Keys whose first token in a new incarnation was not above the last of the previous one.</summary>
    public long TokenRestarts => Interlocked.Read(ref _tokenRestarts);

    public Holding Enter(object owner, object key, int incarnation, long token, LockMode mode, int permits, int capacity)
    {
        Interlocked.Increment(ref _entries);
        var holding = new Holding(owner, key, incarnation, token, mode, permits, capacity);
        var record = _keys.GetOrAdd(key, _ => new KeyRecord());
        lock (record)
        {
            CheckToken(record, holding);
            foreach (var other in record.Holders)
            {
                if (other.Incarnation < incarnation)
                {
                    MarkOverlap(other);
                }
                else if (other.Incarnation > incarnation)
                {
                    MarkOverlap(holding);
                }
            }

            record.Holders.Add(holding);
            if (Conflict(record.Holders, incarnation) is { } conflict)
            {
                Violation($"key {key}: {conflict}");
            }
        }

        return holding;
    }

    public void Leave(Holding holding, LeaveReason reason)
    {
        var record = _keys[holding.Key];
        lock (record)
        {
            if (!record.Holders.Remove(holding))
            {
                Violation($"key {holding.Key}: {holding} left twice");
                return;
            }

            var tokens = record.TokensOf(holding.Incarnation);
            tokens.MaxLeftAny = Math.Max(tokens.MaxLeftAny, holding.Token);
            if (holding.Mode == LockMode.Exclusive)
            {
                tokens.MaxLeftExclusive = Math.Max(tokens.MaxLeftExclusive, holding.Token);
            }
        }

        if (holding.MustBeLost && reason is LeaveReason.Release or LeaveReason.GiveAway)
        {
            // It may still be told: LockLost can be queued behind the step that released.
            _awaitingLost.Enqueue(holding);
        }
    }

    /// <summary>The owner of a grant was told the grant is lost.</summary>
    public void Lost(int incarnation, long token) => _lostGrants.TryAdd((incarnation, token), 0);

    /// <summary>After the run: every holder that overlapped a later incarnation was told LockLost.</summary>
    public void CheckEveryOverlapWasLost()
    {
        foreach (var holding in _awaitingLost)
        {
            if (!_lostGrants.ContainsKey((holding.Incarnation, holding.Token)))
            {
                Violation($"key {holding.Key}: {holding} overlapped a later incarnation's holder and was never told LockLost");
            }
        }
    }

    public void Violation(string description)
    {
        if (Interlocked.Increment(ref _violationCount) <= KeptSamples)
        {
            _violations.Enqueue(description);
        }
    }

    private void MarkOverlap(Holding older)
    {
        if (!older.MustBeLost)
        {
            older.MustBeLost = true;
            Interlocked.Increment(ref _overlapsAcrossRestarts);
        }
    }

    private void CheckToken(KeyRecord record, Holding holding)
    {
        var tokens = record.TokensOf(holding.Incarnation);
        if (tokens.MaxSeen == 0 && record.TokensOf(holding.Incarnation - 1).MaxSeen is var previous and > 0 && holding.Token <= previous)
        {
            Interlocked.Increment(ref _tokenRestarts);
        }

        tokens.MaxSeen = Math.Max(tokens.MaxSeen, holding.Token);

        // A grant that could not share the key with one that left before it entered was issued after it.
        var bound = holding.Capacity > 1 ? 0
            : holding.Mode == LockMode.Exclusive ? tokens.MaxLeftAny
            : tokens.MaxLeftExclusive;
        if (holding.Capacity == 1 && holding.Token <= bound)
        {
            Violation($"key {holding.Key}: fencing token {holding.Token} of {holding} is not above {bound}, the token of an earlier incompatible grant");
        }
    }

    /// <summary>Why the holders of <paramref name="incarnation"/> cannot all hold the key at once, or null.</summary>
    private static string? Conflict(List<Holding> holders, int incarnation)
    {
        var same = holders.Where(h => h.Incarnation == incarnation).ToList();
        if (same.Count < 2)
        {
            return null;
        }

        var capacity = same[0].Capacity;
        if (same.Any(h => h.Capacity != capacity))
        {
            return $"holders with different capacities: {string.Join("; ", same)}";
        }

        var exclusive = same.Count(h => h.Mode == LockMode.Exclusive);
        if (capacity == 1 ? exclusive > 0 : same.Sum(h => h.Permits) > capacity || exclusive < same.Count)
        {
            return $"incompatible holders: {string.Join("; ", same)}";
        }

        return null;
    }

    private sealed class KeyRecord
    {
        private readonly Dictionary<int, TokenRecord> _tokens = [];

        public List<Holding> Holders { get; } = [];

        public TokenRecord TokensOf(int incarnation)
        {
            if (!_tokens.TryGetValue(incarnation, out var record))
            {
                record = new TokenRecord();
                _tokens[incarnation] = record;
            }

            return record;
        }
    }

    private sealed class TokenRecord
    {
        public long MaxSeen { get; set; }
        public long MaxLeftAny { get; set; }
        public long MaxLeftExclusive { get; set; }
    }
}
