using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: a request naming another owner than its sender acts on that owner's locks only with
// proof. Release and GiveAway present the grant and work from any sender; ReleaseKeys and Goodbye
// present none and are refused (InvalidRequest, nothing changes) unless the owner sends them;
// CancelAwait from another sender withdraws only the waits that sender requested.
public sealed class TrustModelSpecs : LockSpecBase
{
    public TrustModelSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void ReleaseKeys_for_another_owner_is_refused_and_changes_nothing()
    {
        var manager = NewManager();
        var (owner, impostor) = (CreateTestProbe(), CreateTestProbe());
        Lock(manager, owner, "trust-rk");
        var before = Inspect(manager, "trust-rk");

        impostor.Send(manager, new ReleaseKeys(["trust-rk"]) { Owner = owner.Ref });

        var refused = impostor.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.InvalidRequest, refused.Cause);
        Assert.Contains("only the owner itself may release", refused.Message);
        AssertSameStatus(before, Inspect(manager, "trust-rk"));
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void Goodbye_for_another_owner_is_refused_and_keeps_its_locks_and_waits()
    {
        var manager = NewManager();
        var (owner, impostor, other) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Lock(manager, owner, "trust-bye-held");
        Lock(manager, other, "trust-bye-busy");
        owner.Send(manager, new Await("trust-bye-busy", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "trust-bye-busy", owner.Ref);

        impostor.Send(manager, new Goodbye { Owner = owner.Ref });

        Assert.Equal(RefusalReason.InvalidRequest, impostor.ExpectMsg<LockRefused>(Patience).Cause);
        Assert.Equal(owner.Ref, WhereIs(manager, "trust-bye-held"));
        Assert.Equal([owner.Ref], Inspect(manager, "trust-bye-busy").Waiters);
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void The_owner_naming_itself_may_release_keys_and_say_goodbye()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "trust-self-1");
        Lock(manager, owner, "trust-self-2");

        owner.Send(manager, new ReleaseKeys(["trust-self-1"]) { Owner = owner.Ref });
        Assert.Equal(["trust-self-1"], owner.ExpectMsg<Released>(Patience).Keys);
        owner.Send(manager, new Goodbye { Owner = owner.Ref });
        Assert.Equal(["trust-self-2"], owner.ExpectMsg<GoodbyeDone>(Patience).Keys);
        AssertFree(manager, "trust-self-2");
    }

    [Fact]
    public void Release_and_GiveAway_presenting_the_grant_work_from_another_sender()
    {
        var manager = NewManager();
        var (owner, helper, heir) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var released = Lock(manager, owner, "trust-rel");
        var given = Lock(manager, owner, "trust-give");

        helper.Send(manager, new Release(released) { Owner = owner.Ref });
        Assert.Equal(["trust-rel"], helper.ExpectMsg<Released>(Patience).Keys);
        helper.Send(manager, new GiveAway(given, heir.Ref) { Owner = owner.Ref });
        var gave = helper.ExpectMsg<GaveAway>(Patience);

        Assert.Equal(heir.Ref, gave.NewGrant.Owner);
        Assert.Equal(owner.Ref, heir.ExpectMsg<LockTransferred>(Patience).From);
        AssertFree(manager, "trust-rel");
        Assert.Equal(heir.Ref, WhereIs(manager, "trust-give"));
    }

    [Fact]
    public void CancelAwait_from_another_sender_withdraws_only_the_waits_it_requested()
    {
        var manager = NewManager();
        var (owner, requester, stranger, holder) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Lock(manager, holder, "trust-c1");
        Lock(manager, holder, "trust-c2");
        requester.Send(manager, new Await("trust-c1", Timeout.InfiniteTimeSpan) { Owner = owner.Ref });
        owner.Send(manager, new Await("trust-c2", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "trust-c1", owner.Ref);
        AwaitWaiting(manager, "trust-c2", owner.Ref);

        // A sender that requested none of the owner's waits withdraws nothing.
        stranger.Send(manager, new CancelAwait { Owner = owner.Ref });
        Assert.Equal([owner.Ref], Inspect(manager, "trust-c1").Waiters);
        Assert.Equal([owner.Ref], Inspect(manager, "trust-c2").Waiters);

        // The requester withdraws its own wait for the owner, not the owner's own.
        requester.Send(manager, new CancelAwait { Owner = owner.Ref });
        Assert.Equal(["trust-c1"], requester.ExpectMsg<AwaitCancelled>(Patience).Keys);
        Assert.Empty(Inspect(manager, "trust-c1").Waiters);
        Assert.Equal([owner.Ref], Inspect(manager, "trust-c2").Waiters);
        owner.ExpectNoMsg(Brief);
        stranger.ExpectNoMsg(Brief);
    }

    [Fact]
    public async Task A_client_with_an_explicit_owner_says_goodbye_for_its_own_handles_only()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "trust-owner-own");
        var client = new LockClient(manager, new LockClientOptions { Owner = owner.Ref });
        var handle = await client.LockAsync("trust-client");

        var released = await client.GoodbyeAsync();

        Assert.Equal(["trust-client"], released);
        Assert.False(handle.IsHeld);
        AssertFree(manager, "trust-client");
        Assert.Equal(owner.Ref, WhereIs(manager, "trust-owner-own"));
    }

    [Fact]
    public async Task A_client_with_an_explicit_owner_still_cancels_its_own_wait()
    {
        var manager = NewManager();
        var (owner, holder) = (CreateTestProbe(), CreateTestProbe());
        Lock(manager, holder, "trust-client-busy");
        var client = new LockClient(manager, new LockClientOptions { Owner = owner.Ref });
        using var cancel = new CancellationTokenSource();

        var waiting = client.LockAsync("trust-client-busy", LockOptions.Within(Timeout.InfiniteTimeSpan), cancel.Token);
        AwaitWaiting(manager, "trust-client-busy", owner.Ref);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        AwaitNotWaiting(manager, "trust-client-busy", owner.Ref);
    }
}
