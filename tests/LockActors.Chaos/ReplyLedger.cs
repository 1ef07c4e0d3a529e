using System.Collections.Concurrent;
using System.Diagnostics;

namespace LockActors.Chaos;

/// <summary>
/// Thread-safe accounting of requests and their final replies, and of how long waits took to time
/// out. Every request that expects a reply is counted when sent and must be matched by exactly one
/// final reply, unless its owner died first (then it is counted as abandoned).
/// </summary>
internal sealed class ReplyLedger(long operationBudget, int managerRestarts)
{
    private const int KeptSamples = 20;

    /// <summary>
    /// How much later than its timeout a wait may time out: a stall of the whole process (the chaos
    /// run shares 2 cores with the other test assemblies and the collector) delays the manager's
    /// timer by as much, so the bound catches a lost time-out, not a slow machine.
    /// </summary>
    public static readonly TimeSpan LateBound = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<string> _problems = new();
    private long _operations;
    private long _expectingReply;
    private long _finalReplies;
    private long _abandoned;
    private long _problemCount;
    private long _timedOut;
    private long _early;
    private long _maxEarlyTicks;
    private long _late;
    private long _maxLateTicks;
    private long _maxOverrunTicks;
    private int _restartsDone;

    public long Operations => Interlocked.Read(ref _operations);

    public long ExpectingReply => Interlocked.Read(ref _expectingReply);

    public long FinalReplies => Interlocked.Read(ref _finalReplies);

    public long Abandoned => Interlocked.Read(ref _abandoned);

    public long ProblemCount => Interlocked.Read(ref _problemCount);

    public IReadOnlyCollection<string> Problems => _problems;

    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Waits that timed out before their timeout had passed, as seen by the requester.</summary>
    public long EarlyTimeouts => Interlocked.Read(ref _early);

    public TimeSpan MaxEarliness => TimeSpan.FromTicks(Interlocked.Read(ref _maxEarlyTicks));

    /// <summary>Waits that timed out more than <see cref="LateBound"/> after their timeout.</summary>
    public long LateTimeouts => Interlocked.Read(ref _late);

    public TimeSpan MaxLateness => TimeSpan.FromTicks(Interlocked.Read(ref _maxLateTicks));

    /// <summary>The longest a timed-out wait took beyond its timeout.</summary>
    public TimeSpan MaxOverrun => TimeSpan.FromTicks(Interlocked.Read(ref _maxOverrunTicks));

    public int RestartsDone => Volatile.Read(ref _restartsDone);

    /// <summary>
    /// Counts one request sent. Sets <paramref name="restartDue"/> for the one operation that
    /// crosses a manager-restart threshold (restarts are spread evenly over the budget).
    /// </summary>
    public void Count(bool expectsReply, out bool restartDue)
    {
        var n = Interlocked.Increment(ref _operations);
        if (expectsReply)
        {
            Interlocked.Increment(ref _expectingReply);
        }

        var step = Math.Max(1, operationBudget / (managerRestarts + 1));
        restartDue = managerRestarts > 0 && n % step == 0 && n / step <= managerRestarts;
        if (restartDue)
        {
            Interlocked.Increment(ref _restartsDone);
        }
    }

    public bool BudgetLeft => Operations < operationBudget;

    public void FinalReply() => Interlocked.Increment(ref _finalReplies);

    public void Abandon() => Interlocked.Increment(ref _abandoned);

    public void Problem(string description)
    {
        if (Interlocked.Increment(ref _problemCount) <= KeptSamples)
        {
            _problems.Enqueue(description);
        }
    }

    /// <summary>A wait of <paramref name="timeout"/>, sent at <paramref name="sentAt"/>, just timed out.</summary>
    public void TimedOutAfter(TimeSpan timeout, long sentAt)
    {
        Interlocked.Increment(ref _timedOut);
        var elapsed = Stopwatch.GetElapsedTime(sentAt);
        var effective = timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout;
        if (elapsed < effective)
        {
            Interlocked.Increment(ref _early);
            Max(ref _maxEarlyTicks, (effective - elapsed).Ticks);
        }
        else
        {
            Max(ref _maxOverrunTicks, (elapsed - effective).Ticks);
            if (elapsed - effective > LateBound)
            {
                Interlocked.Increment(ref _late);
                Max(ref _maxLateTicks, (elapsed - effective).Ticks);
            }
        }
    }

    private static void Max(ref long field, long value)
    {
        var seen = Interlocked.Read(ref field);
        while (value > seen)
        {
            var found = Interlocked.CompareExchange(ref field, value, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }
}
