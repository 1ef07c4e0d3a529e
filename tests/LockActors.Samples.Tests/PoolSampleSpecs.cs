using Akka.TestKit.Xunit2;
using LockActors.Pool;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Samples.Tests;

// The Pool sample's claims, checked on its own code: a semaphore key of three permits never
// lets more than three connections out and serves jobs in turn, a priority-1 job is the next
// one granted after it arrives, and an actor's permit passes to a waiter when the actor stops.
// Grant order is read from fencing tokens (they rise with every grant), never from timing.
public sealed class PoolSampleSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = WARNING", output)
{
    private readonly TestOutputWriter _printed = new(output);

    [Fact]
    public async Task The_pool_never_has_more_than_three_connections_out_and_serves_jobs_in_turn()
    {
        var report = await PoolDemo.RunLoadAsync(new LockClient(Sys.ActorOf(LockManager.Props())), _printed);

        Assert.InRange(report.PeakInUse, 1, PoolDemo.Size);
        Assert.Equal(report.SentOrder, report.GrantOrder);
    }

    [Fact]
    public async Task A_VIP_job_is_granted_before_the_ordinary_jobs_that_were_waiting_when_it_arrived()
    {
        var report = await PoolDemo.RunVipAsync(new LockClient(Sys.ActorOf(LockManager.Props())), _printed);

        Assert.Equal([1, 0, 0, 0, 0, 0], report.WhenVipArrived.Queue.Select(w => w.Priority));
        Assert.Equal(["VIP", "job 1", "job 2", "job 3", "job 4", "job 5"], report.GrantOrder);
        Assert.True(report.VipFirst);
    }

    [Fact]
    public async Task An_actor_that_stops_holding_a_permit_passes_it_to_the_waiting_job()
    {
        var locks = Sys.ActorOf(LockManager.Props());
        var report = await PoolDemo.RunCrashReleaseAsync(Sys, locks, new LockClient(locks), _printed);

        Assert.Equal([2, 1], report.Before.Holders.Select(h => h.Permits));
        Assert.Single(report.Before.Queue);
        Assert.Equal([2, 1], report.After.Holders.Select(h => h.Permits));
        Assert.Empty(report.After.Queue);
        Assert.True(report.PermitPassed);
    }
}
