using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Lock modes, semaphore permits and priorities through the manager's protocol, with real actors:
// the guarantees of the plain lock (crash release, server-side timeouts, cancellation, never-silent
// loss) hold for every kind of lock.
public sealed class LockModeActorSpecs(ITestOutputHelper output) : LockSpecBase(output)
{
    [Fact]
    public void Readers_share_a_key_a_writer_waits_for_them_and_later_readers_wait_for_the_writer()
    {
        var locks = NewManager();
        var (r1, r2, writer, r3) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        r1.Send(locks, new Await("jobs") { Options = LockOptions.Shared });
        var g1 = r1.ExpectMsg<LockAcquired>(Patience).Grant;
        r2.Send(locks, new TryLock("jobs") { Options = LockOptions.Shared });
        var g2 = r2.ExpectMsg<LockAcquired>(Patience).Grant;
        writer.Send(locks, new Await("jobs", Timeout.InfiniteTimeSpan));
        r3.Send(locks, new Await("jobs", Timeout.InfiniteTimeSpan) { Options = LockOptions.Shared });

        var status = Inspect(locks, "jobs");
        Assert.Equal(new[] { r1.Ref, r2.Ref }, status.Holders.Select(h => h.Owner));
        Assert.Equal(new[] { writer.Ref, r3.Ref }, status.Waiters);
        writer.ExpectNoMsg(Brief);
        r3.ExpectNoMsg(TimeSpan.Zero);

        r1.Send(locks, new Release(g1));
        r1.ExpectMsg<Released>(Patience);
        r2.Send(locks, new Release(g2));
        r2.ExpectMsg<Released>(Patience);
        var w = writer.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.Equal(LockMode.Exclusive, w.Mode);
        r3.ExpectNoMsg(Brief);

        writer.Send(locks, new Release(w));
        Assert.Equal(LockMode.Shared, r3.ExpectMsg<LockAcquired>(Patience).Grant.Mode);
    }

    [Fact]
    public void A_killed_semaphore_holder_returns_its_permits_to_the_waiter()
    {
        var locks = NewManager();
        var (holder, other, waiter) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        holder.Send(locks, new Await("pool") { Options = new LockOptions { Capacity = 3, Permits = 2 } });
        Assert.Equal(2, holder.ExpectMsg<LockAcquired>(Patience).Grant.Permits);
        other.Send(locks, new Await("pool") { Options = new LockOptions { Capacity = 3 } });
        other.ExpectMsg<LockAcquired>(Patience);
        waiter.Send(locks, new Await("pool", Timeout.InfiniteTimeSpan) { Options = new LockOptions { Capacity = 3, Permits = 2 } });
        waiter.ExpectNoMsg(Brief);

        KillAndWait(holder.Ref);

        Assert.Equal(2, waiter.ExpectMsg<LockAcquired>(Patience).Grant.Permits);
        Assert.Equal(3, Inspect(locks, "pool").PermitsHeld);
    }

    [Fact]
    public void A_vip_waiter_skips_the_queue_but_lines_up_behind_earlier_vips()
    {
        var locks = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(locks, holder, "printer");
        var (plain, vip1, vip2) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        plain.Send(locks, new Await("printer", Timeout.InfiniteTimeSpan));
        vip1.Send(locks, new Await("printer", Timeout.InfiniteTimeSpan) { Options = new LockOptions { Priority = 1 } });
        vip2.Send(locks, new Await("printer", Timeout.InfiniteTimeSpan) { Options = new LockOptions { Priority = 1 } });

        var status = Inspect(locks, "printer");
        Assert.Equal(new[] { vip1.Ref, vip2.Ref, plain.Ref }, status.Waiters);
        Assert.Equal(new[] { 1, 1, 0 }, status.Queue.Select(w => w.Priority));

        holder.Send(locks, new Release(grant));
        var g1 = vip1.ExpectMsg<LockAcquired>(Patience).Grant;
        vip1.Send(locks, new Release(g1));
        var g2 = vip2.ExpectMsg<LockAcquired>(Patience).Grant;
        plain.ExpectNoMsg(Brief);
        vip2.Send(locks, new Release(g2));
        plain.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_shared_wait_times_out_on_the_server_and_leaves_the_queue()
    {
        var locks = NewManager();
        var writer = CreateTestProbe();
        Lock(locks, writer, "doc");
        var reader = CreateTestProbe();

        reader.Send(locks, new Await("doc", TimeSpan.FromMilliseconds(100)) { Options = LockOptions.Shared });

        Assert.Equal(new object[] { "doc" }, reader.ExpectMsg<LockTimedOut>(Patience).Keys);
        Assert.Empty(Inspect(locks, "doc").Waiters);
    }

    [Fact]
    public void Refused_terms_get_a_clear_reply_and_change_nothing()
    {
        var locks = NewManager();
        var owner = CreateTestProbe();
        owner.Send(locks, new Await("pool") { Options = new LockOptions { Capacity = 4 } });
        owner.ExpectMsg<LockAcquired>(Patience);
        var before = Inspect(locks, "pool");
        var asker = CreateTestProbe();

        asker.Send(locks, new Await("pool") { Options = new LockOptions { Capacity = 4, Permits = 5 } });
        var tooMany = asker.ExpectMsg<LockRefused>(Patience);
        asker.Send(locks, new AwaitAll(["pool", "x"]) { Options = new LockOptions { Capacity = 2 } });
        var mismatch = asker.ExpectMsg<LockRefused>(Patience);
        asker.Send(locks, new TryLock("pool") { Options = new LockOptions { Capacity = 4, Mode = LockMode.Shared } });
        var sharedSemaphore = asker.ExpectMsg<LockRefused>(Patience);

        Assert.Equal(RefusalReason.InvalidRequest, tooMany.Cause);
        Assert.Contains("permits 5 is above the capacity 4", tooMany.Message);
        Assert.Equal(RefusalReason.CapacityMismatch, mismatch.Cause);
        Assert.Equal("pool", mismatch.Key);
        Assert.Equal(RefusalReason.InvalidRequest, sharedSemaphore.Cause);
        Assert.Contains("shared mode needs capacity 1", sharedSemaphore.Message);
        Assert.Equal(before, Inspect(locks, "pool"));
        Assert.Null(WhereIs(locks, "x"));
    }

    [Fact]
    public void Shared_and_semaphore_holders_are_told_what_they_lost_when_the_manager_stops()
    {
        var locks = NewManager();
        var (reader, user) = (CreateTestProbe(), CreateTestProbe());
        reader.Send(locks, new Await("doc") { Options = LockOptions.Shared });
        var shared = reader.ExpectMsg<LockAcquired>(Patience).Grant;
        user.Send(locks, new Await("pool") { Options = new LockOptions { Capacity = 5, Permits = 3 } });
        var permits = user.ExpectMsg<LockAcquired>(Patience).Grant;

        Sys.Stop(locks);

        Assert.Equal(shared, reader.ExpectMsg<LockLost>(Patience).Grant);
        Assert.Equal(permits, user.ExpectMsg<LockLost>(Patience).Grant);
    }

    [Fact]
    public void SendToOwner_of_a_shared_key_reaches_every_reader_with_the_original_sender()
    {
        var locks = NewManager();
        var (r1, r2, sender) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        r1.Send(locks, new Await("doc") { Options = LockOptions.Shared });
        r1.ExpectMsg<LockAcquired>(Patience);
        r2.Send(locks, new Await("doc") { Options = LockOptions.Shared });
        r2.ExpectMsg<LockAcquired>(Patience);

        sender.Send(locks, new SendToOwner("doc", "refresh"));

        r1.ExpectMsg("refresh", Patience);
        Assert.Equal(sender.Ref, r1.LastSender);
        r2.ExpectMsg("refresh", Patience);
        Assert.Equal(sender.Ref, r2.LastSender);
        Assert.Equal(r1.Ref, WhereIs(locks, "doc"));
    }
}
