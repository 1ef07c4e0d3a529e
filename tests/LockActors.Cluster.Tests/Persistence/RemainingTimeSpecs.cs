using LockActors.Table;
using LockActors.Table.Events;
using Xunit;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>A recorded wait keeps its remaining time when replayed on another clock, later.</summary>
public sealed class RemainingTimeSpecs
{
    private static readonly long T0 = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private readonly NamedRef _holder = new("holder");
    private readonly NamedRef _waiter = new("waiter");

    [Fact]
    public void A_replayed_wait_times_out_when_its_remaining_time_has_passed_and_not_before()
    {
        var events = RecordWait(timeout: TimeSpan.FromSeconds(10));

        // Replayed 4 s of wall-clock time later by a process whose clock reads 50 000 ms: 6 s remain.
        var fx = new GrantCollector();
        var replayed = new LockTable(LockManagerSettings.Default, fx) { Anchor = new DeadlineAnchor(50_000, T0 + TimeSpan.FromSeconds(4).Ticks) };
        events.ForEach(replayed.Apply);

        replayed.ExpireDue(50_000 + 5_999);
        Assert.DoesNotContain(fx.Sent, s => s.Message is LockTimedOut);
        replayed.ExpireDue(50_000 + 6_000);
        Assert.Contains(fx.Sent, s => s.To == _waiter && s.Message is LockTimedOut);
        Assert.Empty(replayed.Status("report").Queue);
    }

    [Fact]
    public void A_wait_whose_deadline_passed_before_the_replay_times_out_at_the_first_check()
    {
        var events = RecordWait(timeout: TimeSpan.FromSeconds(1));
        var fx = new GrantCollector();
        var replayed = new LockTable(LockManagerSettings.Default, fx) { Anchor = new DeadlineAnchor(7, T0 + TimeSpan.FromMinutes(1).Ticks) };
        events.ForEach(replayed.Apply);
        Assert.Equal([_waiter], replayed.Status("report").Waiters);

        replayed.ExpireDue(7);
        Assert.Contains(fx.Sent, s => s.To == _waiter && s.Message is LockTimedOut);
    }

    [Fact]
    public void A_wait_without_timeout_stays_without_one()
    {
        var events = RecordWait(timeout: Timeout.InfiniteTimeSpan);
        Assert.Equal(LockTableEvents.NoDeadline, events.OfType<WaitQueued>().Single().DeadlineUtcTicks);
        var replayed = new LockTable(LockManagerSettings.Default, new GrantCollector()) { Anchor = new DeadlineAnchor(0, T0) };
        events.ForEach(replayed.Apply);
        replayed.ExpireDue(long.MaxValue - 1);
        Assert.Equal([_waiter], replayed.Status("report").Waiters);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(9_999, 1)]
    [InlineData(10_000, 1)]
    [InlineData(10_001, 2)]
    [InlineData(-10_000, -1)]
    [InlineData(-9_999, 0)]
    public void Wall_clock_deadlines_convert_to_whole_milliseconds_rounded_up(long ticksAfterAnchor, long msAfterAnchor)
    {
        var anchor = new DeadlineAnchor(1_000, T0);
        Assert.Equal(1_000 + msAfterAnchor, anchor.ToTableMs(T0 + ticksAfterAnchor));
    }

    /// <summary>The events of a holder taking "report" and a waiter queueing for it with <paramref name="timeout"/>, on a clock reading 1 000 ms at <see cref="T0"/>.</summary>
    private List<LockTableEvent> RecordWait(TimeSpan timeout)
    {
        var log = new EventLog();
        var live = new LockTable(LockManagerSettings.Default, new GrantCollector()) { Anchor = new DeadlineAnchor(1_000, T0) };
        live.RecordEventsTo(log);
        live.TryLock(_holder, _holder, "report");
        live.Await(_waiter, _waiter, "report", timeout, arrived: 1_000);
        return log.Events;
    }
}
