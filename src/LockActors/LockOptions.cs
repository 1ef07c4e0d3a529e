namespace LockActors;

/// <summary>
/// The terms of one lock request: mode, permits, the key's capacity, priority, timeout and a label. The
/// same record is carried by <see cref="TryLock"/>, <see cref="Await"/> and <see cref="AwaitAll"/>
/// and taken by every <see cref="LockClient"/> verb. The defaults ask for an ordinary exclusive lock.
/// </summary>
/// <remarks>
/// <para>Each property checks its own range when it is set (also in a <c>with</c> expression) and
/// throws <see cref="ArgumentOutOfRangeException"/> naming the property and the value. Combinations
/// that can never be granted (permits above the capacity, shared mode on a semaphore key) are
/// refused when the request is made, with <see cref="RefusalReason.InvalidRequest"/> by the manager
/// or <see cref="ArgumentException"/> by the client, in the same words.</para>
/// <para>A key's capacity is set by the request that brings it into use (when nobody holds or waits
/// for it) and lasts while anyone holds or waits for it; a request naming another capacity meanwhile
/// is refused with <see cref="RefusalReason.CapacityMismatch"/>. Every user of a semaphore key names
/// the same capacity, as every user of a <c>SemaphoreSlim</c> shares one instance.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var read = await client.LockAsync("jobs", LockOptions.Shared);             // a reader
/// await using var conn = await client.LockAsync("db", LockOptions.Semaphore(10));         // 1 of 10 permits
/// await using var vip = await client.LockAsync("db", LockOptions.Semaphore(10) with { Priority = 1 });
/// locks.Tell(new Await("jobs") { Options = LockOptions.Shared });                         // from an actor
/// </code>
/// </example>
public sealed record LockOptions
{
    /// <summary>An ordinary exclusive lock (all defaults).</summary>
    public static LockOptions Exclusive { get; } = new();

    /// <summary>A shared (reader's) lock.</summary>
    public static LockOptions Shared { get; } = new() { Mode = LockMode.Shared };

    /// <summary>Takes <paramref name="permits"/> of a semaphore key with <paramref name="capacity"/> permits.</summary>
    /// <param name="capacity">The key's capacity; every user of the key must name the same one.</param>
    /// <param name="permits">How many permits to take; default 1.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> or <paramref name="permits"/> is below 1.</exception>
    public static LockOptions Semaphore(int capacity, int permits = 1) => new() { Capacity = capacity, Permits = permits };

    /// <summary>An ordinary exclusive lock waited for up to <paramref name="timeout"/>.</summary>
    /// <param name="timeout">As for <see cref="Timeout"/>: <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever, zero or negative makes one attempt.</param>
    /// <returns>The options.</returns>
    public static LockOptions Within(TimeSpan timeout) => new() { Timeout = timeout };

    /// <summary>
    /// Exclusive (the default): nobody else holds the key; on a semaphore key exclusive holders share
    /// the capacity by permits. Shared: together with other shared holders, only on keys of capacity 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="LockMode"/>.</exception>
    public LockMode Mode
    {
        get;
        init => field = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Mode), value, $"{nameof(Mode)} must be Exclusive or Shared, got {(int)value}.");
    }

    /// <summary>How many of the key's permits to take, on every key of the request; default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Permits
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Permits), value, $"{nameof(Permits)} must be at least 1, got {value}.");
    } = 1;

    /// <summary>How many permits the key has: 1 (the default) for a lock, more for a semaphore.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Capacity
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Capacity), value, $"{nameof(Capacity)} must be at least 1, got {value}.");
    } = 1;

    /// <summary>
    /// Place in line: a wait with a higher priority is queued ahead of every wait with a lower one;
    /// equal priorities are first come, first served. Default 0; negative values queue behind the
    /// default. A try-lock never waits, so it ignores this.
    /// </summary>
    public int Priority { get; init; }

    /// <summary>
    /// How long to wait: null for the manager's <see cref="LockManagerSettings.DefaultAwaitTimeout"/>
    /// (a try-lock makes one attempt), <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to
    /// wait forever, zero or negative for one immediate attempt. The manager enforces it.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The longest <see cref="Label"/> accepted, in characters.</summary>
    public const int MaxLabelLength = 256;

    /// <summary>
    /// Who or what takes the lock, in words (a user id, a request or trace id, "nightly-import"):
    /// shown for the holder and for the wait in <see cref="Inspect"/>'s <see cref="KeyStatus"/>, in
    /// the overview (<see cref="ListLocks"/>, <see cref="GetWaitGraph"/>), in <see cref="LockBusy"/>
    /// and in the manager's log lines. Default null: the owner is known by its actor path only. It
    /// has no effect on who is granted when.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is longer than <see cref="MaxLabelLength"/> characters.</exception>
    public string? Label
    {
        get;
        init => field = value is null || value.Length <= MaxLabelLength
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Label), LabelRules.Preview(value), LabelRules.TooLong(value));
    }
}
