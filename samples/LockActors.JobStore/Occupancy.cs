namespace LockActors.Jobs;

/// <summary>
/// Counts who is inside the store's critical sections, to check the lock from the outside:
/// readers may overlap each other, a writer overlaps nobody.
/// </summary>
public sealed class Occupancy
{
    private int _readers;
    private int _writers;
    private int _peakReaders;
    private int _readsDuringWrite;
    private int _overlappingWrites;

    /// <summary>The most readers that were inside at the same moment.</summary>
    public int PeakReaders => Volatile.Read(ref _peakReaders);

    /// <summary>Times a reader was inside together with a writer (either way round). Must stay 0.</summary>
    public int ReadsDuringWrite => Volatile.Read(ref _readsDuringWrite);

    /// <summary>Times two writers were inside together. Must stay 0.</summary>
    public int OverlappingWrites => Volatile.Read(ref _overlappingWrites);

    /// <summary>Marks a reader inside until the result is disposed.</summary>
    public Leaving Reading()
    {
        var readers = Interlocked.Increment(ref _readers);
        if (Volatile.Read(ref _writers) > 0)
        {
            Interlocked.Increment(ref _readsDuringWrite);
        }

        for (var peak = Volatile.Read(ref _peakReaders); readers > peak; peak = Volatile.Read(ref _peakReaders))
        {
            if (Interlocked.CompareExchange(ref _peakReaders, readers, peak) == peak)
            {
                break;
            }
        }

        return new Leaving(() => Interlocked.Decrement(ref _readers));
    }

    /// <summary>Marks a writer inside until the result is disposed.</summary>
    public Leaving Writing()
    {
        if (Interlocked.Increment(ref _writers) > 1)
        {
            Interlocked.Increment(ref _overlappingWrites);
        }

        if (Volatile.Read(ref _readers) > 0)
        {
            Interlocked.Increment(ref _readsDuringWrite);
        }

        return new Leaving(() => Interlocked.Decrement(ref _writers));
    }

    /// <summary>Leaves a critical section when disposed.</summary>
    public readonly struct Leaving(Func<int> leave) : IDisposable
    {
        public void Dispose() => leave();
    }
}
