using System.Diagnostics;
using Xunit;

namespace LockActors.Chaos;

// The chaos checks themselves: each one reports what it is meant to catch, so a green chaos run
// means the guarantees held, not that the checks were blind.
public sealed class CheckerSpecs
{
    private static Holding Enter(CriticalSectionRecorder recorder, string owner, object key, int incarnation, long token,
        LockMode mode = LockMode.Exclusive, int permits = 1, int capacity = 1) =>
        recorder.Enter(owner, key, incarnation, token, mode, permits, capacity);

    [Fact]
    public void Two_exclusive_holders_of_one_incarnation_are_a_violation()
    {
        var recorder = new CriticalSectionRecorder();
        Enter(recorder, "a", "k", 1, 1);
        Enter(recorder, "b", "k", 1, 2);
        Assert.Equal(1, recorder.ViolationCount);
    }

    [Fact]
    public void Shared_holders_may_overlap_but_not_with_an_exclusive_one()
    {
        var recorder = new CriticalSectionRecorder();
        Enter(recorder, "a", "k", 1, 1, LockMode.Shared);
        Enter(recorder, "b", "k", 1, 2, LockMode.Shared);
        Assert.Equal(0, recorder.ViolationCount);
        Enter(recorder, "c", "k", 1, 3);
        Assert.Equal(1, recorder.ViolationCount);
    }

    [Fact]
    public void Semaphore_permits_beyond_the_capacity_are_a_violation()
    {
        var recorder = new CriticalSectionRecorder();
        Enter(recorder, "a", "s", 1, 1, permits: 2, capacity: 3);
        Enter(recorder, "b", "s", 1, 2, permits: 1, capacity: 3);
        Assert.Equal(0, recorder.ViolationCount);
        Enter(recorder, "c", "s", 1, 3, permits: 1, capacity: 3);
        Assert.Equal(1, recorder.ViolationCount);
    }

    [Fact]
    public void Holders_naming_different_capacities_are_a_violation()
    {
        var recorder = new CriticalSectionRecorder();
        Enter(recorder, "a", "s", 1, 1, capacity: 3);
        Enter(recorder, "b", "s", 1, 2, capacity: 2);
        Assert.Equal(1, recorder.ViolationCount);
    }

    [Fact]
    public void A_holder_overlapping_a_later_incarnation_must_be_told_its_lock_is_lost()
    {
        var told = new CriticalSectionRecorder();
        var old = Enter(told, "a", "k", 1, 7);
        var fresh = Enter(told, "b", "k", 2, 1);
        told.Lost(1, 7);
        told.Leave(old, LeaveReason.Release);
        told.Leave(fresh, LeaveReason.Release);
        told.CheckEveryOverlapWasLost();
        Assert.Equal(0, told.ViolationCount);
        Assert.Equal(1, told.OverlapsAcrossRestarts);

        var silent = new CriticalSectionRecorder();
        var silentOld = Enter(silent, "a", "k", 1, 7);
        Enter(silent, "b", "k", 2, 1);
        silent.Leave(silentOld, LeaveReason.Release);
        silent.CheckEveryOverlapWasLost();
        Assert.Equal(1, silent.ViolationCount);
    }

    [Fact]
    public void A_grant_after_an_incompatible_one_left_must_carry_a_larger_fencing_token()
    {
        var recorder = new CriticalSectionRecorder();
        recorder.Leave(Enter(recorder, "a", "k", 1, 5), LeaveReason.Release);
        Enter(recorder, "b", "k", 1, 5);
        Assert.Equal(1, recorder.ViolationCount);
    }

    [Fact]
    public void A_smaller_token_after_a_restart_is_counted_as_a_token_restart_not_a_violation()
    {
        var recorder = new CriticalSectionRecorder();
        recorder.Leave(Enter(recorder, "a", "k", 1, 50), LeaveReason.Release);
        Enter(recorder, "b", "k", 2, 1);
        Assert.Equal(0, recorder.ViolationCount);
        Assert.Equal(1, recorder.TokenRestarts);
    }

    [Fact]
    public void Leaving_twice_is_a_violation()
    {
        var recorder = new CriticalSectionRecorder();
        var holding = Enter(recorder, "a", "k", 1, 1);
        recorder.Leave(holding, LeaveReason.Release);
        recorder.Leave(holding, LeaveReason.Stopped);
        Assert.Equal(1, recorder.ViolationCount);
    }

    [Fact]
    public void A_time_out_before_the_timeout_is_counted_early()
    {
        var ledger = new ReplyLedger(operationBudget: 10, managerRestarts: 0);
        ledger.TimedOutAfter(TimeSpan.FromHours(1), Stopwatch.GetTimestamp());
        Assert.Equal(1, ledger.EarlyTimeouts);
        Assert.True(ledger.MaxEarliness > TimeSpan.FromMinutes(59));
    }

    [Fact]
    public void A_time_out_long_after_the_timeout_is_counted_late()
    {
        var ledger = new ReplyLedger(operationBudget: 10, managerRestarts: 0);
        var sentLongAgo = Stopwatch.GetTimestamp() - (long)(Stopwatch.Frequency * 10.0);
        ledger.TimedOutAfter(TimeSpan.FromSeconds(1), sentLongAgo);
        Assert.Equal(0, ledger.EarlyTimeouts);
        Assert.Equal(1, ledger.LateTimeouts);
    }

    [Fact]
    public void Restarts_are_spread_evenly_over_the_operation_budget()
    {
        var ledger = new ReplyLedger(operationBudget: 100, managerRestarts: 3);
        var due = new List<long>();
        for (var i = 1; i <= 100; i++)
        {
            ledger.Count(expectsReply: true, out var restartDue);
            if (restartDue)
            {
                due.Add(i);
            }
        }

        Assert.Equal([25L, 50L, 75L], due);
        Assert.False(ledger.BudgetLeft);
    }
}
