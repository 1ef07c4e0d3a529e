using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: waiting for a key one already holds would never end, so Await and AwaitAll on a held
// key are refused at once with LockRefused(key, SelfDeadlock), naming the key, and nothing is
// acquired or queued. TryLock on one's own key answers LockBusy naming the owner itself.
public sealed class SelfDeadlockSpecs : LockSpecBase
{
    public SelfDeadlockSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void Await_on_a_key_the_owner_holds_is_refused_as_a_self_deadlock_naming_the_key()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "held");
        var before = Inspect(manager, "held");

        owner.Send(manager, new Await("held", Timeout.InfiniteTimeSpan));

        var refused = owner.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("held", refused.Key);
        Assert.Contains("held", refused.Message);
        AssertSameStatus(before, Inspect(manager, "held"));
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void Await_with_a_finite_timeout_on_a_held_key_is_refused_at_once_not_timed_out()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "held-finite");

        owner.Send(manager, new Await("held-finite", TimeSpan.FromMilliseconds(50)));

        Assert.Equal(RefusalReason.SelfDeadlock, owner.ExpectMsg<LockRefused>(Patience).Cause);
        owner.ExpectNoMsg(Brief);
        Assert.Empty(Inspect(manager, "held-finite").Waiters);
    }

    [Fact]
    public void AwaitAll_including_a_held_key_is_refused_and_acquires_none_of_the_others()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "zzz");

        owner.Send(manager, new AwaitAll(new object[] { "aaa", "zzz", "mmm" }));

        var refused = owner.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("zzz", refused.Key);
        Assert.Contains("zzz", refused.Message);
        AssertFree(manager, "aaa");
        AssertFree(manager, "mmm");
        var status = Inspect(manager, "zzz");
        Assert.Equal(owner.Ref, status.Owner);
        Assert.Empty(status.Waiters);
    }

    [Fact]
    public void AwaitAll_whose_first_key_is_held_is_refused_and_the_other_keys_stay_free()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "first");

        owner.Send(manager, new AwaitAll(new object[] { "first", "second" }));

        Assert.Equal("first", owner.ExpectMsg<LockRefused>(Patience).Key);
        var other = CreateTestProbe();
        Assert.Equal(other.Ref, Lock(manager, other, "second").Owner);
    }

    [Fact]
    public void A_self_deadlock_is_detected_for_a_named_owner_sent_by_someone_else()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "named-held");
        var helper = CreateTestProbe();

        helper.Send(manager, new Await("named-held") { Owner = owner.Ref });

        var refused = helper.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("named-held", refused.Key);
        Assert.Empty(Inspect(manager, "named-held").Waiters);
    }

    [Fact]
    public void A_self_deadlock_refusal_does_not_disturb_the_waiters_of_the_key()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "queued");
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("queued", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "queued", waiter.Ref);

        owner.Send(manager, new Await("queued"));
        owner.ExpectMsg<LockRefused>(Patience);

        Assert.Equal(new[] { waiter.Ref }, Inspect(manager, "queued").Waiters);
        Release(manager, owner, grant);
        waiter.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void TryLock_on_a_key_the_owner_holds_answers_LockBusy_naming_the_owner_itself()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "mine");

        owner.Send(manager, new TryLock("mine"));

        var busy = owner.ExpectMsg<LockBusy>(Patience);
        Assert.Equal("mine", busy.Key);
        Assert.Equal(owner.Ref, busy.Owner);
        var status = Inspect(manager, "mine");
        Assert.Equal(grant.FencingToken, status.FencingToken);
        Assert.Empty(status.Waiters);
    }
}
