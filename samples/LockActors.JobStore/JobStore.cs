namespace LockActors.Jobs;

/// <summary>The states a job goes through.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Done,
}

/// <summary>One job, as the store keeps it.</summary>
public sealed record Job(int Id, string Title, JobStatus Status);

/// <summary>What a list returns: the jobs, and the number of writes the store had applied when it was read.</summary>
public sealed record JobList(IReadOnlyList<Job> Jobs, long Version);

/// <summary>
/// An in-memory job store that is read far more often than it is written, guarded like Go's
/// <c>sync.RWMutex</c> example: reads take the key "jobs" shared, so any number of them run
/// together; writes take it exclusively, so a write runs alone.
/// </summary>
/// <remarks>
/// The dictionary is not thread-safe and nothing else protects it: concurrent reads of a
/// <see cref="Dictionary{TKey,TValue}"/> are safe, a read during a write is not. The lock is the
/// only thing standing between the readers and a corrupted view.
/// </remarks>
public sealed class JobStore(LockClient locks, TimeSpan latency, Occupancy? occupancy = null)
{
    /// <summary>The one key that guards the whole store.</summary>
    public const string Key = "jobs";

    private readonly Dictionary<int, Job> _jobs = new();
    private readonly Occupancy _occupancy = occupancy ?? new Occupancy();
    private int _lastId;
    private long _version;

    /// <summary>Every job, ordered by id, with the store's version. Shared: runs alongside other reads.</summary>
    public Task<JobList> ListAsync() =>
        locks.WithLockAsync(Key, async _ =>
        {
            using var reading = _occupancy.Reading();
            await Task.Delay(latency); // as if the jobs came from disk: readers overlap meanwhile
            return new JobList(_jobs.Values.OrderBy(j => j.Id).ToArray(), _version);
        }, LockOptions.Shared);

    /// <summary>One job, or null when there is no such job. Shared.</summary>
    public Task<Job?> GetAsync(int id) =>
        locks.WithLockAsync(Key, async _ =>
        {
            using var reading = _occupancy.Reading();
            await Task.Delay(latency);
            return _jobs.GetValueOrDefault(id);
        }, LockOptions.Shared);

    /// <summary>Adds a queued job. Exclusive: no read or other write runs meanwhile.</summary>
    public Task<Job> CreateAsync(string title) =>
        locks.WithLockAsync(Key, async _ =>
        {
            using var writing = _occupancy.Writing();
            await Task.Delay(latency);
            var job = new Job(++_lastId, title, JobStatus.Queued);
            _jobs.Add(job.Id, job);
            _version++;
            return job;
        }, LockOptions.Exclusive);

    /// <summary>Moves a job to <paramref name="status"/>. Exclusive.</summary>
    /// <exception cref="KeyNotFoundException">There is no job <paramref name="id"/>.</exception>
    public Task<Job> UpdateAsync(int id, JobStatus status) =>
        locks.WithLockAsync(Key, async _ =>
        {
            using var writing = _occupancy.Writing();
            await Task.Delay(latency);
            var job = _jobs[id] with { Status = status };
            _jobs[id] = job;
            _version++;
            return job;
        }, LockOptions.Exclusive);

    /// <summary>
    /// Streams every job to <paramref name="sink"/> while holding a shared lock: a slow export
    /// keeps writers out until it is done, but not other readers.
    /// </summary>
    public Task ExportAsync(Func<IReadOnlyList<Job>, Task> sink) =>
        locks.WithLockAsync(Key, async _ =>
        {
            using var reading = _occupancy.Reading();
            await sink(_jobs.Values.OrderBy(j => j.Id).ToArray());
        }, LockOptions.Shared);
}
