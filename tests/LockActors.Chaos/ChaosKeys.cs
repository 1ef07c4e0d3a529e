namespace LockActors.Chaos;

/// <summary>
/// The key space of a chaos run and the random terms requests use on it. Lock keys ("L…") have
/// capacity 1 and are taken exclusive or shared; semaphore keys ("S…") have
/// <see cref="SemaphoreCapacity"/> permits and are taken by permits. A small share of requests
/// names a wrong capacity on purpose, so <see cref="RefusalReason.CapacityMismatch"/> (or, on a
/// free key, a key brought into use with another capacity) happens now and then.
/// </summary>
internal sealed class ChaosKeys
{
    public const int SemaphoreCapacity = 3;

    private static readonly TimeSpan[] Waits =
    [
        TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5),
        TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50),
    ];

    public ChaosKeys(int lockKeys, int semaphoreKeys)
    {
        LockKeys = Enumerable.Range(0, lockKeys).Select(i => (object)$"L{i}").ToArray();
        SemaphoreKeys = Enumerable.Range(0, semaphoreKeys).Select(i => (object)$"S{i}").ToArray();
        All = LockKeys.Concat(SemaphoreKeys).ToArray();
    }

    public IReadOnlyList<object> LockKeys { get; }

    public IReadOnlyList<object> SemaphoreKeys { get; }

    public IReadOnlyList<object> All { get; }

    public object AnyKey(Random rng) => All[rng.Next(All.Count)];

    public static bool IsSemaphore(object key) => key is string s && s.StartsWith('S');

    /// <summary>Two or three distinct keys of one kind, so one set of terms fits all of them.</summary>
    public IReadOnlyList<object> SomeKeys(Random rng)
    {
        var pool = rng.Next(3) == 0 ? SemaphoreKeys : LockKeys;
        var count = Math.Min(pool.Count, 2 + rng.Next(2));
        var chosen = new List<object>(count);
        while (chosen.Count < count)
        {
            var key = pool[rng.Next(pool.Count)];
            if (!chosen.Contains(key))
            {
                chosen.Add(key);
            }
        }

        return chosen;
    }

    /// <summary>
    /// Random terms for a request on <paramref name="key"/>. An owner that holds something never
    /// waits forever (that could deadlock owners for good); one that holds nothing may.
    /// </summary>
    public static ChaosTerms Terms(Random rng, object key, bool holdsSomething)
    {
        var capacity = IsSemaphore(key) ? SemaphoreCapacity : 1;
        if (rng.Next(50) == 0)
        {
            capacity = capacity == 1 ? SemaphoreCapacity : SemaphoreCapacity - 1;
        }

        var mode = capacity == 1 && rng.Next(5) < 2 ? LockMode.Shared : LockMode.Exclusive;
        var permits = capacity == 1 ? 1 : 1 + rng.Next(capacity);
        return new ChaosTerms(mode, permits, capacity, Priority(rng), Timeout(rng, holdsSomething));
    }

    private static int Priority(Random rng) => rng.Next(100) switch
    {
        0 => int.MaxValue,
        1 => int.MinValue,
        < 60 => 0,
        _ => rng.Next(-3, 4),
    };

    private static TimeSpan? Timeout(Random rng, bool holdsSomething)
    {
        var roll = rng.Next(100);
        if (roll < 8 && !holdsSomething)
        {
            return System.Threading.Timeout.InfiniteTimeSpan;
        }

        if (roll < 9 && !holdsSomething)
        {
            return null;
        }

        return Waits[rng.Next(Waits.Length)];
    }
}
