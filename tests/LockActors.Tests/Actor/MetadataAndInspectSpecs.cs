using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: what the manager reports about itself and its keys is accurate. Every grant carries
// the configured metadata and GetMeta returns it; Inspect names the owner, the fencing token and
// the waiters in arrival order (an AwaitAll waiter under each of its keys); fencing tokens
// strictly increase over all grants; SendToOwner forwards to the owner with the original sender
// or answers NoOwner; and a failed release that nobody will hear about is logged as an error
// naming the key.
public sealed class MetadataAndInspectSpecs : LockSpecBase
{
    public MetadataAndInspectSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void Every_grant_carries_the_configured_metadata()
    {
        var manager = NewManager(s => s with { Metadata = "orders-db" });
        var owner = CreateTestProbe();
        var heir = CreateTestProbe();

        Assert.Equal("orders-db", Lock(manager, owner, "t").Metadata);
        owner.Send(manager, new Await("a"));
        Assert.Equal("orders-db", owner.ExpectMsg<LockAcquired>(Patience).Grant.Metadata);
        var multi = LockAll(manager, owner, "m1", "m2");
        Assert.Equal("orders-db", multi.Metadata);
        owner.Send(manager, new GiveAway(multi, heir.Ref));
        Assert.Equal("orders-db", owner.ExpectMsg<GaveAway>(Patience).NewGrant.Metadata);
        Assert.Equal("orders-db", heir.ExpectMsg<LockTransferred>(Patience).Grant.Metadata);

        // A grant made to a waiter later on carries it too.
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("t", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "t", waiter.Ref);
        owner.Send(manager, new ReleaseKeys(new object[] { "t" }));
        owner.ExpectMsg<Released>(Patience);
        Assert.Equal("orders-db", waiter.ExpectMsg<LockAcquired>(Patience).Grant.Metadata);
    }

    [Fact]
    public void GetMeta_returns_the_configured_metadata_or_null_by_default()
    {
        var withMeta = NewManager(s => s with { Metadata = 42 });
        var without = NewManager();
        var asker = CreateTestProbe();

        asker.Send(withMeta, GetMeta.Instance);
        Assert.Equal(42, asker.ExpectMsg<ManagerMeta>(Patience).Metadata);
        asker.Send(without, new GetMeta());
        Assert.Null(asker.ExpectMsg<ManagerMeta>(Patience).Metadata);
    }

    [Fact]
    public void A_changed_copy_of_the_settings_does_not_change_a_running_manager()
    {
        var settings = new LockManagerSettings { Metadata = "before" };
        var manager = Sys.ActorOf(LockManager.Props(settings));
        var owner = CreateTestProbe();
        Lock(manager, owner, "first"); // the manager has started
        var changed = settings with { Metadata = "after" };

        Assert.Equal("after", changed.Metadata);
        Assert.Equal("before", Lock(manager, owner, "second").Metadata);
    }

    [Fact]
    public void Inspect_lists_the_owner_the_token_and_the_waiters_in_arrival_order()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "queue");
        var waiters = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToList();
        foreach (var w in waiters)
        {
            w.Send(manager, new Await("queue", Timeout.InfiniteTimeSpan));
        }

        var status = Inspect(manager, "queue");
        Assert.Equal("queue", status.Key);
        Assert.Equal(owner.Ref, status.Owner);
        Assert.Equal(grant.FencingToken, status.FencingToken);
        Assert.Equal(waiters.Select(w => w.Ref), status.Waiters);

        // A withdrawn wait leaves the line, the others keep their order.
        waiters[1].Send(manager, new CancelAwait());
        waiters[1].ExpectMsg<AwaitCancelled>(Patience);
        Assert.Equal(new[] { waiters[0].Ref, waiters[2].Ref, waiters[3].Ref }, Inspect(manager, "queue").Waiters);
    }

    [Fact]
    public void Inspect_of_an_unknown_key_reports_it_free()
    {
        var manager = NewManager();

        var status = Inspect(manager, "never-seen");

        Assert.Equal("never-seen", status.Key);
        Assert.Null(status.Owner);
        Assert.Null(status.FencingToken);
        Assert.Empty(status.Waiters);
    }

    [Fact]
    public void Inspect_lists_an_AwaitAll_waiter_under_every_key_of_its_request()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "x2");
        var single = CreateTestProbe();
        single.Send(manager, new Await("x2", Timeout.InfiniteTimeSpan));
        var multi = CreateTestProbe();
        multi.Send(manager, new AwaitAll(new object[] { "x1", "x2", "x3" }));

        Assert.Equal(new[] { multi.Ref }, Inspect(manager, "x1").Waiters);
        Assert.Equal(new[] { single.Ref, multi.Ref }, Inspect(manager, "x2").Waiters);
        Assert.Equal(new[] { multi.Ref }, Inspect(manager, "x3").Waiters);
        Assert.Null(Inspect(manager, "x1").Owner);
    }

    [Fact]
    public void Fencing_tokens_strictly_increase_over_all_kinds_of_grants()
    {
        var manager = NewManager();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var tokens = new List<long>();

        var t1 = Lock(manager, a, "f1");
        tokens.Add(t1.FencingToken);
        a.Send(manager, new Await("f2"));
        tokens.Add(a.ExpectMsg<LockAcquired>(Patience).Grant.FencingToken);
        tokens.Add(LockAll(manager, b, "f3", "f4").FencingToken);
        b.Send(manager, new Await("f1", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "f1", b.Ref);
        Release(manager, a, t1);
        tokens.Add(b.ExpectMsg<LockAcquired>(Patience).Grant.FencingToken);
        a.Send(manager, new ReleaseKeys(new object[] { "f2" }));
        a.ExpectMsg<Released>(Patience);
        var again = Lock(manager, a, "f2");
        tokens.Add(again.FencingToken);
        a.Send(manager, new GiveAway(again, b.Ref));
        tokens.Add(a.ExpectMsg<GaveAway>(Patience).NewGrant.FencingToken);

        for (var i = 1; i < tokens.Count; i++)
        {
            Assert.True(tokens[i] > tokens[i - 1], $"token {tokens[i]} after {tokens[i - 1]} (all: {string.Join(", ", tokens)})");
        }
    }

    [Fact]
    public void SendToOwner_forwards_the_message_to_the_owner_with_the_original_sender()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "via");
        var sender = CreateTestProbe();

        sender.Send(manager, new SendToOwner("via", "hello owner"));

        owner.ExpectMsg("hello owner", Patience);
        Assert.Equal(sender.Ref, owner.LastSender);
        sender.ExpectNoMsg(Brief);
    }

    [Fact]
    public void SendToOwner_on_a_free_key_answers_NoOwner_and_delivers_nothing()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "gone");
        Release(manager, owner, grant);
        var sender = CreateTestProbe();

        sender.Send(manager, new SendToOwner("gone", "anyone there?"));

        Assert.Equal("gone", sender.ExpectMsg<NoOwner>(Patience).Key);
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void SendToOwner_on_a_key_promised_to_a_waiter_but_not_held_answers_NoOwner()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        Lock(manager, holder, "p-busy");
        var multi = CreateTestProbe();
        multi.Send(manager, new AwaitAll(new object[] { "p-busy", "p-promised" }));
        AwaitWaiting(manager, "p-promised", multi.Ref);
        var sender = CreateTestProbe();

        sender.Send(manager, new SendToOwner("p-promised", "hi"));

        sender.ExpectMsg<NoOwner>(Patience);
        multi.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_failed_release_without_a_sender_is_logged_as_an_error_naming_the_key()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var stale = Lock(manager, owner, "release-me");
        Release(manager, owner, stale);
        var thief = CreateTestProbe();
        var current = Lock(manager, thief, "release-me");

        EventFilter.Error(contains: "release-me").ExpectOne(Patience,
            () => manager.Tell(new Release(stale) { Owner = owner.Ref }, ActorRefs.NoSender));

        Assert.Equal(current.FencingToken, Inspect(manager, "release-me").FencingToken);
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_successful_release_without_a_sender_frees_the_key_silently()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "async");

        manager.Tell(new Release(grant) { Owner = owner.Ref }, ActorRefs.NoSender);

        AssertFree(manager, "async");
        owner.ExpectNoMsg(Brief);
    }
}
