using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: every malformed request gets a clear refusal and changes nothing. Null keys, null or
// empty key lists and oversized lists are refused with LockRefused(null, InvalidRequest), a
// duplicate key with LockRefused(key, DuplicateKey); releases and give-aways that do not match
// the holder fail with the reason; a request with no owner and no sender is logged and ignored;
// a key whose hash throws is refused and the manager lives on. Timeouts: zero or negative means
// one immediate attempt, InfiniteTimeSpan waits forever, null means the settings' default.
public sealed class BadInputSpecs : LockSpecBase
{
    public BadInputSpecs(ITestOutputHelper output) : base(output)
    {
    }

    /// <summary>A manager with "held" owned by <c>Owner</c> and <c>Waiter</c> queued for it; "free" is free.</summary>
    private sealed record Scene(IActorRef Manager, TestProbe Owner, LockGrant Grant, TestProbe Waiter, KeyStatus Before);

    private Scene SetUp(Func<LockManagerSettings, LockManagerSettings>? configure = null)
    {
        var manager = NewManager(configure);
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "held");
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("held", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "held", waiter.Ref);
        return new Scene(manager, owner, grant, waiter, Inspect(manager, "held"));
    }

    private void AssertUnchanged(Scene scene)
    {
        AssertSameStatus(scene.Before, Inspect(scene.Manager, "held"));
        AssertFree(scene.Manager, "free");
        scene.Owner.ExpectNoMsg(TimeSpan.Zero);
        scene.Waiter.ExpectNoMsg(TimeSpan.Zero);
    }

    private static LockRefused ExpectRefused(TestProbe probe, RefusalReason reason, object? key)
    {
        var refused = probe.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(reason, refused.Cause);
        Assert.Equal(key, refused.Key);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
        return refused;
    }

    public static TheoryData<string, object> NullOrEmptyKeyRequests => new()
    {
        { "TryLock with a null key", new TryLock(null!) },
        { "Await with a null key", new Await(null!) },
        { "WhereIs with a null key", new WhereIs(null!) },
        { "Inspect with a null key", new Inspect(null!) },
        { "SendToOwner with a null key", new SendToOwner(null!, "hello") },
        { "SendToOwner with a null message", new SendToOwner("held", null!) },
        { "AwaitAll with a null list", new AwaitAll(null!) },
        { "AwaitAll with an empty list", new AwaitAll(Array.Empty<object>()) },
        { "AwaitAll with a null key in the list", new AwaitAll(new object[] { "free", null! }) },
        { "ReleaseKeys with a null list", new ReleaseKeys(null!) },
        { "ReleaseKeys with an empty list", new ReleaseKeys(Array.Empty<object>()) },
        { "ReleaseKeys with a null key in the list", new ReleaseKeys(new object[] { "held", null! }) },
        { "CancelAwait with an empty list", new CancelAwait(Array.Empty<object>()) },
        { "CancelAwait with a null key in the list", new CancelAwait(new object[] { "held", null! }) },
        { "Release with a null grant", new Release(null!) },
        { "GiveAway with a null grant", new GiveAway(null!, ActorRefs.Nobody) },
    };

    [Theory]
    [MemberData(nameof(NullOrEmptyKeyRequests))]
    public void A_request_with_a_null_or_empty_key_or_list_is_refused_as_InvalidRequest_and_changes_nothing(string what, object request)
    {
        var scene = SetUp();
        var sender = CreateTestProbe();

        // Sent by the owner and by the waiter too, so a bug touching their state would show.
        foreach (var probe in new[] { sender, scene.Owner, scene.Waiter })
        {
            probe.Send(scene.Manager, request);
            ExpectRefused(probe, RefusalReason.InvalidRequest, null);
        }

        Assert.NotNull(what);
        AssertUnchanged(scene);
    }

    [Fact]
    public void AwaitAll_with_a_duplicate_key_is_refused_naming_the_key_and_locks_nothing()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();

        sender.Send(scene.Manager, new AwaitAll(new object[] { "free", "dup", "dup" }));

        var refused = ExpectRefused(sender, RefusalReason.DuplicateKey, "dup");
        Assert.Contains("dup", refused.Message);
        AssertFree(scene.Manager, "dup");
        AssertUnchanged(scene);
    }

    [Fact]
    public void A_duplicate_in_a_long_key_list_is_found_too()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();
        var keys = Enumerable.Range(0, 20).Select(i => (object)$"long-{i}").Append("long-7").ToArray();

        sender.Send(scene.Manager, new AwaitAll(keys));

        ExpectRefused(sender, RefusalReason.DuplicateKey, "long-7");
        AssertFree(scene.Manager, "long-0");
        AssertUnchanged(scene);
    }

    [Fact]
    public void A_release_naming_one_null_key_is_refused_for_that_key_not_failed_on_it()
    {
        var scene = SetUp();

        // A one-key release is checked by a shorter path than a longer list: it must still name
        // the null key instead of failing on it in a lookup.
        scene.Owner.Send(scene.Manager, new Release(scene.Grant with { Keys = new object[] { null! } }));
        Assert.Contains("null key at position 0", ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null).Message);

        scene.Owner.Send(scene.Manager, new ReleaseKeys(new object[] { null! }));
        Assert.Contains("null key at position 0", ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null).Message);

        AssertUnchanged(scene);
    }

    [Fact]
    public void ReleaseKeys_and_CancelAwait_with_a_duplicate_key_are_refused_and_change_nothing()
    {
        var scene = SetUp();

        scene.Owner.Send(scene.Manager, new ReleaseKeys(new object[] { "held", "held" }));
        ExpectRefused(scene.Owner, RefusalReason.DuplicateKey, "held");

        scene.Waiter.Send(scene.Manager, new CancelAwait(new object[] { "held", "held" }));
        ExpectRefused(scene.Waiter, RefusalReason.DuplicateKey, "held");

        var doubled = scene.Grant with { Keys = new object[] { "held", "held" } };
        scene.Owner.Send(scene.Manager, new Release(doubled));
        ExpectRefused(scene.Owner, RefusalReason.DuplicateKey, "held");

        AssertUnchanged(scene);
    }

    [Fact]
    public void A_key_list_longer_than_MaxKeysPerRequest_is_refused_in_every_request_that_carries_one()
    {
        var scene = SetUp(s => s with { MaxKeysPerRequest = 3 });
        var four = new object[] { "held", "k2", "k3", "k4" };

        scene.Owner.Send(scene.Manager, new AwaitAll(new object[] { "free", "k2", "k3", "k4" }));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        scene.Owner.Send(scene.Manager, new ReleaseKeys(four));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        scene.Waiter.Send(scene.Manager, new CancelAwait(four));
        ExpectRefused(scene.Waiter, RefusalReason.InvalidRequest, null);
        scene.Owner.Send(scene.Manager, new Release(scene.Grant with { Keys = four }));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        AssertUnchanged(scene);

        // Exactly the limit is fine.
        var other = CreateTestProbe();
        other.Send(scene.Manager, new AwaitAll(new object[] { "free", "k2", "k3" }));
        Assert.Equal(3, other.ExpectMsg<LockAcquired>(Patience).Grant.Keys.Count);
    }

    [Fact]
    public void The_default_limit_is_1024_keys_per_request()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var keys = Enumerable.Range(0, 1025).Select(i => (object)i).ToArray();

        owner.Send(manager, new AwaitAll(keys));
        ExpectRefused(owner, RefusalReason.InvalidRequest, null);
        AssertFree(manager, 0);

        owner.Send(manager, new AwaitAll(keys[..1024]));
        Assert.Equal(1024, owner.ExpectMsg<LockAcquired>(Patience).Grant.Keys.Count);
        Assert.Equal(owner.Ref, WhereIs(manager, 1023));
        Assert.Null(WhereIs(manager, 1024));
    }

    [Fact]
    public void Releasing_a_key_held_by_someone_else_fails_with_NotOwner_naming_the_owner()
    {
        var scene = SetUp();
        var stranger = CreateTestProbe();

        stranger.Send(scene.Manager, new Release(scene.Grant));
        var failed = stranger.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal("held", failed.Key);
        Assert.Equal(ReleaseFailure.NotOwner, failed.Cause);
        Assert.Equal(scene.Owner.Ref, failed.CurrentOwner);

        stranger.Send(scene.Manager, new ReleaseKeys(new object[] { "held" }));
        Assert.Equal(ReleaseFailure.NotOwner, stranger.ExpectMsg<ReleaseFailed>(Patience).Cause);
        AssertUnchanged(scene);
    }

    [Fact]
    public void Releasing_a_free_key_fails_with_NotLocked()
    {
        var scene = SetUp();
        var madeUp = new LockGrant(new object[] { "free" }, false, scene.Owner.Ref, 1, null);

        scene.Owner.Send(scene.Manager, new Release(madeUp));
        var failed = scene.Owner.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal("free", failed.Key);
        Assert.Equal(ReleaseFailure.NotLocked, failed.Cause);
        Assert.Null(failed.CurrentOwner);

        scene.Owner.Send(scene.Manager, new ReleaseKeys(new object[] { "free" }));
        Assert.Equal(ReleaseFailure.NotLocked, scene.Owner.ExpectMsg<ReleaseFailed>(Patience).Cause);
        AssertUnchanged(scene);
    }

    [Fact]
    public void Releasing_with_a_stale_grant_fails_with_StaleGrant_and_keeps_the_newer_lock()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var old = Lock(manager, owner, "stale");
        Release(manager, owner, old);
        var current = Lock(manager, owner, "stale");

        owner.Send(manager, new Release(old));

        var failed = owner.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal(ReleaseFailure.StaleGrant, failed.Cause);
        Assert.Equal(owner.Ref, failed.CurrentOwner);
        Assert.Equal(current.FencingToken, Inspect(manager, "stale").FencingToken);
    }

    [Fact]
    public void A_release_that_fails_on_one_key_releases_none_of_them()
    {
        var scene = SetUp();
        var mine = LockAll(scene.Manager, scene.Owner, "m1", "m2");

        scene.Owner.Send(scene.Manager, new ReleaseKeys(new object[] { "m1", "free", "m2" }));
        Assert.Equal("free", scene.Owner.ExpectMsg<ReleaseFailed>(Patience).Key);

        var forged = mine with { Keys = new object[] { "m1", "m2", "held-by-nobody" } };
        scene.Owner.Send(scene.Manager, new Release(forged));
        Assert.Equal(ReleaseFailure.NotLocked, scene.Owner.ExpectMsg<ReleaseFailed>(Patience).Cause);

        Assert.Equal(scene.Owner.Ref, WhereIs(scene.Manager, "m1"));
        Assert.Equal(scene.Owner.Ref, WhereIs(scene.Manager, "m2"));
        AssertUnchanged(scene);
    }

    [Fact]
    public void GiveAway_to_oneself_or_to_no_actor_is_refused_and_changes_nothing()
    {
        var scene = SetUp();

        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, scene.Owner.Ref));
        ExpectRefused(scene.Owner, RefusalReason.AlreadyOwner, "held");
        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, null!));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, ActorRefs.Nobody));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, Sys.DeadLetters));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);

        AssertUnchanged(scene);
    }

    [Fact]
    public void GiveAway_to_a_dead_actor_is_accepted_and_the_key_goes_to_the_next_waiter()
    {
        var scene = SetUp();
        var dead = CreateTestProbe();
        StopAndWait(dead.Ref);

        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, dead.Ref));

        scene.Owner.ExpectMsg<GaveAway>(Patience);
        scene.Waiter.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void Zero_and_negative_timeouts_make_one_immediate_attempt()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();

        foreach (var timeout in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(-2), TimeSpan.FromSeconds(-30), TimeSpan.MinValue })
        {
            sender.Send(scene.Manager, new Await("held", timeout));
            Assert.Equal(new object[] { "held" }, sender.ExpectMsg<LockTimedOut>(Patience).Keys);
            sender.Send(scene.Manager, new AwaitAll(new object[] { "free", "held" }, timeout));
            Assert.Equal(new object[] { "free", "held" }, sender.ExpectMsg<LockTimedOut>(Patience).Keys);
        }

        AssertUnchanged(scene);

        // On a free key the one attempt succeeds.
        sender.Send(scene.Manager, new Await("free", TimeSpan.Zero));
        sender.ExpectMsg<LockAcquired>(Patience);
        sender.Send(scene.Manager, new AwaitAll(new object[] { "free-1", "free-2" }, TimeSpan.FromMilliseconds(-5)));
        sender.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_zero_timeout_on_a_free_key_promised_to_a_waiter_times_out_instead_of_overtaking()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        Lock(manager, holder, "busy");
        var multi = CreateTestProbe();
        multi.Send(manager, new AwaitAll(new object[] { "busy", "promised" }));
        AwaitWaiting(manager, "promised", multi.Ref);
        var sender = CreateTestProbe();

        sender.Send(manager, new Await("promised", TimeSpan.Zero));

        sender.ExpectMsg<LockTimedOut>(Patience);
        Assert.Equal(new[] { multi.Ref }, Inspect(manager, "promised").Waiters);
        Assert.Null(WhereIs(manager, "promised"));
    }

    [Fact]
    public void A_null_timeout_uses_the_default_and_InfiniteTimeSpan_or_a_huge_timeout_waits_past_it()
    {
        var scene = SetUp(s => s with { DefaultAwaitTimeout = TimeSpan.FromMilliseconds(150) });
        var byDefault = CreateTestProbe();
        var allByDefault = CreateTestProbe();
        var forever = CreateTestProbe();
        var huge = CreateTestProbe();

        byDefault.Send(scene.Manager, new Await("held"));
        allByDefault.Send(scene.Manager, new AwaitAll(new object[] { "held", "free" }));
        forever.Send(scene.Manager, new Await("held", Timeout.InfiniteTimeSpan));
        huge.Send(scene.Manager, new Await("held", TimeSpan.MaxValue));

        byDefault.ExpectMsg<LockTimedOut>(Patience);
        allByDefault.ExpectMsg<LockTimedOut>(Patience);
        // Well past the default, the others still wait.
        forever.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        huge.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(new[] { scene.Waiter.Ref, forever.Ref, huge.Ref }, Inspect(scene.Manager, "held").Waiters);

        Release(scene.Manager, scene.Owner, scene.Grant);
        var waiterGrant = scene.Waiter.ExpectMsg<LockAcquired>(Patience).Grant;
        Release(scene.Manager, scene.Waiter, waiterGrant);
        var foreverGrant = forever.ExpectMsg<LockAcquired>(Patience).Grant;
        Release(scene.Manager, forever, foreverGrant);
        huge.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_request_with_neither_owner_nor_sender_is_ignored_with_a_warning()
    {
        var scene = SetUp();

        EventFilter.Warning(contains: "no owner").Expect(4, Patience, () =>
        {
            scene.Manager.Tell(new TryLock("free"), ActorRefs.NoSender);
            scene.Manager.Tell(new Await("free"), ActorRefs.NoSender);
            scene.Manager.Tell(new AwaitAll(new object[] { "free" }), ActorRefs.NoSender);
            scene.Manager.Tell(new Release(scene.Grant), ActorRefs.NoSender);
        });

        AssertUnchanged(scene);
    }

    [Fact]
    public void A_named_owner_that_is_no_actor_is_refused()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();

        foreach (var noActor in new[] { ActorRefs.Nobody, Sys.DeadLetters })
        {
            sender.Send(scene.Manager, new TryLock("free") { Owner = noActor });
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
            sender.Send(scene.Manager, new Await("held") { Owner = noActor });
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
            sender.Send(scene.Manager, new AwaitAll(new object[] { "free" }) { Owner = noActor });
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
        }

        AssertUnchanged(scene);
    }

    /// <summary>A key that cannot be hashed: every dictionary lookup with it throws.</summary>
    private sealed class PoisonedKey
    {
        public override int GetHashCode() => throw new InvalidOperationException("this key cannot be hashed");

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override string ToString() => "poisoned";
    }

    [Fact]
    public void A_key_whose_GetHashCode_throws_is_refused_and_the_manager_lives_on()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();
        var watcher = CreateTestProbe();
        watcher.Watch(scene.Manager);
        var poisoned = new PoisonedKey();

        var requests = new object[]
        {
            new TryLock(poisoned),
            new Await(poisoned),
            new AwaitAll(new object[] { "free", poisoned }),
            new WhereIs(poisoned),
            new Inspect(poisoned),
            new SendToOwner(poisoned, "hi"),
            new ReleaseKeys(new object[] { poisoned }),
        };
        foreach (var request in requests)
        {
            sender.Send(scene.Manager, request);
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
        }

        watcher.ExpectNoMsg(TimeSpan.Zero);
        AssertUnchanged(scene);
        Release(scene.Manager, scene.Owner, scene.Grant);
        scene.Waiter.ExpectMsg<LockAcquired>(Patience);
    }

    /// <summary>An exception that cannot even describe itself.</summary>
    private sealed class UnprintableException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message either");

        public override string ToString() => throw new InvalidOperationException("no text either");
    }

    /// <summary>A key whose hash fails with an exception that cannot be printed.</summary>
    private sealed class WickedKey
    {
        public override int GetHashCode() => throw new UnprintableException();

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override string ToString() => throw new InvalidOperationException("no name either");
    }

    [Fact]
    public void A_key_that_fails_with_an_unprintable_exception_is_refused_and_the_locks_survive()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();
        var wicked = new WickedKey();

        foreach (var request in new object[] { new TryLock(wicked), new AwaitAll(new object[] { "free", wicked }), new WhereIs(wicked) })
        {
            sender.Send(scene.Manager, request);
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
        }

        // Had the manager crashed and restarted, the owner would have been told its lock was lost.
        AssertUnchanged(scene);
        Release(scene.Manager, scene.Owner, scene.Grant);
        scene.Waiter.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_request_with_neither_owner_nor_sender_and_an_unprintable_key_is_ignored_and_logging_goes_on()
    {
        var scene = SetUp();

        EventFilter.Warning(contains: "no owner").ExpectOne(Patience,
            () => scene.Manager.Tell(new TryLock(new WickedKey()), ActorRefs.NoSender));
        EventFilter.Warning(contains: "no owner").ExpectOne(Patience,
            () => scene.Manager.Tell(new TryLock("free"), ActorRefs.NoSender));

        AssertUnchanged(scene);
    }

    [Fact]
    public void An_unknown_message_is_ignored_and_changes_nothing()
    {
        var scene = SetUp();

        EventFilter.Warning(contains: "unknown message").ExpectOne(Patience,
            () => scene.Manager.Tell(new NotARequest("hello"), scene.Owner.Ref));

        AssertUnchanged(scene);
    }

    /// <summary>A message the manager does not know (serializable, as every message between actors must be).</summary>
    private sealed record NotARequest(string Text);
}
