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
public sealed partial class BadInputSpecs : LockSpecBase
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
}
