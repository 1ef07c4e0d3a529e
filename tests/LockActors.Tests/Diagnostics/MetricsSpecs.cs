using System.Diagnostics;
using Akka.Actor;
using LockActors.Tests.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Diagnostics;

// Guarantee: a manager's instruments on the LockActors meter count exactly what it did (grants,
// busy answers, timeouts, refusals by reason, keys freed by a crash, grants lost when it stops),
// its histograms reflect waits and holds that really happened, and its gauges read its state.
// Every measurement carries the manager's tag; the key only when the setting asks for it. Each
// test reads only its own manager's measurements.
public sealed class MetricsSpecs : LockSpecBase
{
    public MetricsSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void Counters_equal_the_operations_performed()
    {
        var (manager, metrics) = NewMeasuredManager();
        using var _ = metrics;
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        Lock(manager, a, "k1");
        a.Send(manager, new Await("k2"));
        a.ExpectMsg<LockAcquired>(Patience);
        LockAll(manager, a, "m1", "m2");
        LockAll(manager, c, "c1", "c2");

        b.Send(manager, new TryLock("k1"));
        b.ExpectMsg<LockBusy>(Patience);
        b.Send(manager, new TryLock("m1"));
        b.ExpectMsg<LockBusy>(Patience);

        b.Send(manager, new Await("k1", TimeSpan.Zero));
        b.ExpectMsg<LockTimedOut>(Patience);
        b.Send(manager, new Await("k2", TimeSpan.FromMilliseconds(50)));
        b.ExpectMsg<LockTimedOut>(Patience);

        a.Send(manager, new Await("k1"));
        Assert.Equal(RefusalReason.SelfDeadlock, a.ExpectMsg<LockRefused>(Patience).Cause);
        b.Send(manager, new AwaitAll(["x", "x"]));
        Assert.Equal(RefusalReason.DuplicateKey, b.ExpectMsg<LockRefused>(Patience).Cause);
        b.Send(manager, new TryLock("y") { Options = new LockOptions { Capacity = 1, Permits = 2 } });
        Assert.Equal(RefusalReason.InvalidRequest, b.ExpectMsg<LockRefused>(Patience).Cause);
        b.Send(manager, new AwaitAll([]));
        Assert.Equal(RefusalReason.InvalidRequest, b.ExpectMsg<LockRefused>(Patience).Cause);

        StopAndWait(c.Ref);
        AwaitOwner(manager, "c1", null);

        Assert.Equal(4, metrics.Sum(LockDiagnostics.Grants));
        Assert.Equal(2, metrics.Sum(LockDiagnostics.BusyAnswers));
        Assert.Equal(2, metrics.Sum(LockDiagnostics.Timeouts));
        Assert.Equal(2, metrics.Sum(LockDiagnostics.CrashReleases));
        var refusals = metrics.Of(LockDiagnostics.Refusals)
            .GroupBy(r => (string)r.Tags[LockDiagnostics.ReasonTag]!)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Value));
        Assert.Equal(new Dictionary<string, double> { ["SelfDeadlock"] = 1, ["DuplicateKey"] = 1, ["InvalidRequest"] = 2 }, refusals);
        Assert.Empty(metrics.Of(LockDiagnostics.Lost));

        // a still holds three grants: stopping the manager loses them.
        StopAndWait(manager);
        Assert.Equal(3, metrics.Sum(LockDiagnostics.Lost));
        Assert.All(metrics.Of(LockDiagnostics.Grants), r => Assert.False(r.Tags.ContainsKey(LockDiagnostics.KeyTag)));
    }

    [Fact]
    public void The_wait_histogram_records_at_least_the_time_a_waiter_was_kept_waiting()
    {
        var (manager, metrics) = NewMeasuredManager();
        using var _ = metrics;
        var (holder, waiter) = (CreateTestProbe(), CreateTestProbe());
        var grant = Lock(manager, holder, "k");
        waiter.Send(manager, new Await("k", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "k", waiter.Ref);

        // The waiter is queued from here on; it must not be granted while the key is held.
        var queued = Stopwatch.StartNew();
        waiter.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var keptWaiting = queued.Elapsed;
        Release(manager, holder, grant);
        waiter.ExpectMsg<LockAcquired>(Patience);

        var waits = metrics.Of(LockDiagnostics.WaitDuration);
        Assert.Equal(2, waits.Count);
        Assert.All(waits, w => Assert.Equal("granted", w.Tags[LockDiagnostics.OutcomeTag]));
        Assert.Equal(0, waits[0].Value);

        // The manager's clock counts whole milliseconds, rounding the start up and the end down.
        Assert.True(waits[1].Value >= keptWaiting.TotalSeconds - 0.002, $"recorded {waits[1].Value} s, kept waiting {keptWaiting.TotalSeconds} s");
    }

    [Fact]
    public void The_hold_histogram_records_at_least_the_time_a_key_was_held()
    {
        var (manager, metrics) = NewMeasuredManager();
        using var _ = metrics;
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "k");
        var held = Stopwatch.StartNew();
        holder.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        var heldFor = held.Elapsed;
        Release(manager, holder, grant);

        var hold = Assert.Single(metrics.Of(LockDiagnostics.HoldDuration));
        Assert.True(hold.Value >= heldFor.TotalSeconds, $"recorded {hold.Value} s, held {heldFor.TotalSeconds} s");
    }

    [Fact]
    public void Gauges_read_keys_in_use_waits_and_owners_until_the_manager_stops()
    {
        var (manager, metrics) = NewMeasuredManager();
        using var _ = metrics;
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        LockAll(manager, a, "k1", "k2");
        b.Send(manager, new Await("k1", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "k1", b.Ref);

        metrics.ReadGauges();
        Assert.Equal(2, metrics.Latest(LockDiagnostics.KeysInUse));
        Assert.Equal(1, metrics.Latest(LockDiagnostics.WaitsQueued));
        Assert.Equal(2, metrics.Latest(LockDiagnostics.OwnersWatched));

        StopAndWait(manager);
        var readings = metrics.Of(LockDiagnostics.KeysInUse).Count;
        metrics.ReadGauges();
        Assert.Equal(readings, metrics.Of(LockDiagnostics.KeysInUse).Count);
    }

    [Fact]
    public void Keys_are_tags_only_when_the_setting_asks_for_them()
    {
        var (manager, metrics) = NewMeasuredManager(s => s with { MetricsPerKeyTags = true });
        using var _ = metrics;
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Lock(manager, a, "order:1");
        LockAll(manager, a, "x", "y");
        b.Send(manager, new TryLock("order:1"));
        b.ExpectMsg<LockBusy>(Patience);

        Assert.Equal(["\"order:1\"", "keys [\"x\", \"y\"]"], metrics.Of(LockDiagnostics.Grants).Select(r => r.Tags[LockDiagnostics.KeyTag]));
        Assert.Equal("\"order:1\"", Assert.Single(metrics.Of(LockDiagnostics.BusyAnswers)).Tags[LockDiagnostics.KeyTag]);
    }

    /// <summary>A manager under a name of its own, and a recorder of its measurements only.</summary>
    private (IActorRef Manager, MeterRecorder Metrics) NewMeasuredManager(Func<LockManagerSettings, LockManagerSettings>? configure = null)
    {
        var name = $"locks-{Guid.NewGuid():N}";
        var recorder = new MeterRecorder($"/user/{name}");
        return (Sys.ActorOf(LockManager.Props(configure?.Invoke(LockManagerSettings.Default)), name), recorder);
    }
}
