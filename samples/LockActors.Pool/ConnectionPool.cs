using System.Collections.Concurrent;

namespace LockActors.Pool;

/// <summary>One database connection of the pool (simulated).</summary>
public sealed record Connection(int Id);

/// <summary>
/// A pool of <see cref="Size"/> connections guarded by the semaphore key "db": every user takes
/// as many permits as connections it needs, waiting in line (by priority, then first come, first
/// served) while the pool is busy, so no more than <see cref="Size"/> connections are ever out.
/// </summary>
/// <remarks>
/// The idle connections sit in a queue that is never waited on: the permits say when one is
/// free. A holder that finds the queue empty would mean the semaphore let too many in.
/// </remarks>
public sealed class ConnectionPool
{
    /// <summary>The semaphore key every user of the pool names, with the pool's size as its capacity.</summary>
    public const string Key = "db";

    private readonly LockClient _locks;
    private readonly ConcurrentQueue<Connection> _idle;
    private int _inUse;
    private int _peakInUse;

    public ConnectionPool(LockClient locks, int size)
    {
        _locks = locks;
        Size = size;
        _idle = new ConcurrentQueue<Connection>(Enumerable.Range(1, size).Select(id => new Connection(id)));
    }

    /// <summary>How many connections the pool has: the capacity of the key "db".</summary>
    public int Size { get; }

    /// <summary>The most connections that were out at the same moment; never above <see cref="Size"/>.</summary>
    public int PeakInUse => Volatile.Read(ref _peakInUse);

    /// <summary>
    /// Runs <paramref name="work"/> with <paramref name="connections"/> connections, waiting for the
    /// permits first. A higher <paramref name="priority"/> waits ahead of lower ones.
    /// </summary>
    /// <exception cref="LockTimeoutException">The permits were not granted within the manager's default wait.</exception>
    public Task UseAsync(Func<IReadOnlyList<Connection>, LockHandle, Task> work, int connections = 1, int priority = 0) =>
        _locks.WithLockAsync(Key, async handle =>
        {
            var taken = Take(connections);
            try
            {
                await work(taken, handle);
            }
            finally
            {
                // Back in the queue before the permits go back (WithLockAsync releases after this).
                Interlocked.Add(ref _inUse, -taken.Count);
                taken.ForEach(_idle.Enqueue);
            }
        }, LockOptions.Semaphore(Size, connections) with { Priority = priority });

    private List<Connection> Take(int count)
    {
        var inUse = Interlocked.Add(ref _inUse, count);
        for (var peak = Volatile.Read(ref _peakInUse); inUse > peak; peak = Volatile.Read(ref _peakInUse))
        {
            if (Interlocked.CompareExchange(ref _peakInUse, inUse, peak) == peak)
            {
                break;
            }
        }

        var taken = new List<Connection>(count);
        while (taken.Count < count)
        {
            if (!_idle.TryDequeue(out var connection))
            {
                throw new InvalidOperationException($"The pool ran dry: {inUse} connections asked for, {Size} exist.");
            }

            taken.Add(connection);
        }

        return taken;
    }
}
