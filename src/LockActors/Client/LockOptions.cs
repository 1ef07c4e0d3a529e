using LockActors.Table;

namespace LockActors;

/// <summary>
/// What kind of lock one <see cref="LockClient"/> request asks for: mode, permits, the key's
/// capacity, priority and timeout. The defaults ask for an ordinary exclusive lock.
/// </summary>
/// <example>
/// <code>
/// await using var read = await client.AwaitAsync("jobs", LockOptions.Shared);           // a reader
/// await using var conn = await client.AwaitAsync("db", LockOptions.Semaphore(10));       // 1 of 10 permits
/// await using var vip = await client.AwaitAsync("db", LockOptions.Semaphore(10) with { Priority = 1 });
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
    public static LockOptions Semaphore(int capacity, int permits = 1) => new() { Capacity = capacity, Permits = permits };

    /// <summary>Exclusive (the default) or shared; see <see cref="ILockTermsRequest.Mode"/>.</summary>
    public LockMode Mode { get; init; }

    /// <summary>Permits to take on each key; default 1. See <see cref="ILockTermsRequest.Permits"/>.</summary>
    public int Permits { get; init; } = 1;

    /// <summary>The key's capacity; default 1 (a lock). See <see cref="ILockTermsRequest.Capacity"/>.</summary>
    public int Capacity { get; init; } = 1;

    /// <summary>Place in line among waits (higher first); default 0. Ignored by try-lock, which never waits.</summary>
    public int Priority { get; init; }

    /// <summary>
    /// How long to wait: null for the manager's default (5 s for one key, infinite for several,
    /// unless configured), <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to wait forever,
    /// zero or negative for one attempt.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The error to report when these options can never be granted (naming the value), or null.</summary>
    internal ArgumentException? Error(string paramName) =>
        new LockTerms(Mode, Permits, Capacity, Priority).Problem() is { } problem
            ? new ArgumentException($"Invalid lock options: {problem}.", paramName)
            : null;
}
