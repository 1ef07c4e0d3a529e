using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
{
    // -----------------------------------------------------------------------------------
    // Bad input
    // -----------------------------------------------------------------------------------

    [Fact]
    public void A_null_key_is_refused_as_an_invalid_request_and_changes_nothing()
    {
        SetUpBusyTable();

        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.TryLock(_d, _d, null));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.Await(_d, _d, null, Infinite, _t.Now));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.AwaitAll(_d, _d, ["k1", null!], Infinite, _t.Now));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.ReleaseKeys(_a, _a, [null!]));
        AssertRefusedWithoutChange(_b, null, RefusalReason.InvalidRequest, t => t.CancelAwait(_b, _b, ["k1", null!]));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.Inspect(_d, null));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.WhereIs(_d, null));
    }

    [Fact]
    public void A_null_or_empty_key_list_is_refused_as_an_invalid_request_and_changes_nothing()
    {
        SetUpBusyTable();

        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.AwaitAll(_d, _d, null, Infinite, _t.Now));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.AwaitAll(_d, _d, [], Infinite, _t.Now));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.ReleaseKeys(_a, _a, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.ReleaseKeys(_a, _a, []));
        AssertRefusedWithoutChange(_b, null, RefusalReason.InvalidRequest, t => t.CancelAwait(_b, _b, []));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.Release(_a, _a, new LockGrant([], false, _a, 1, null)));
    }

    [Fact]
    public void A_duplicate_key_is_refused_naming_the_key_and_changes_nothing()
    {
        var grant = SetUpBusyTable();

        AssertRefusedWithoutChange(_d, "k2", RefusalReason.DuplicateKey, t => t.AwaitAll(_d, _d, ["k1", "k2", "k3", "k2"], Infinite, _t.Now));
        AssertRefusedWithoutChange(_a, "k1", RefusalReason.DuplicateKey, t => t.ReleaseKeys(_a, _a, ["k1", "k1"]));
        AssertRefusedWithoutChange(_b, "k1", RefusalReason.DuplicateKey, t => t.CancelAwait(_b, _b, ["k1", "k1"]));
        AssertRefusedWithoutChange(_a, "k1", RefusalReason.DuplicateKey, t => t.Release(_a, _a, grant with { Keys = ["k1", "k1"] }));
        AssertRefusedWithoutChange(_a, "k1", RefusalReason.DuplicateKey, t => t.GiveAway(_a, _a, grant with { Keys = ["k1", "k1"] }, _d, null));

        // Many keys take another path to find duplicates.
        var many = Enumerable.Range(0, 20).Select(i => (object)$"m{i}").Append("m7").ToArray();
        AssertRefusedWithoutChange(_d, "m7", RefusalReason.DuplicateKey, t => t.AwaitAll(_d, _d, many, Infinite, _t.Now));
    }

    [Fact]
    public void Keys_equal_by_value_are_the_same_key_and_keys_of_different_types_are_not()
    {
        _t.TryLock(_a, 1);

        Assert.Equal(new LockBusy(1, _a), _t.TryLock(_b, 1));
        Assert.IsType<LockAcquired>(_t.TryLock(_b, 1L));
        Assert.IsType<LockAcquired>(_t.TryLock(_b, 1.0));
        Assert.IsType<LockAcquired>(_t.TryLock(_b, ("a", 1)));
        Assert.Equal(new LockBusy(("a", 1), _b), _t.TryLock(_c, ("a", 1)));

        var refused = Assert.IsType<LockRefused>(_t.Reply(_c, () => _t.Table.AwaitAll(_c, _c, [("x", 2), ("x", 2)], Infinite, _t.Now)));
        Assert.Equal(RefusalReason.DuplicateKey, refused.Cause);
    }

    [Fact]
    public void Too_many_keys_are_refused_as_an_invalid_request_and_change_nothing()
    {
        var t = new TableFixture(new LockManagerSettings { MaxKeysPerRequest = 3 });
        var tooMany = new object[] { "k1", "k2", "k3", "k4" };
        t.AcquireAll(_a, "k1", "k2", "k3");

        foreach (var (replyTo, request) in new (IActorRef, Action<LockTable>)[]
                 {
                     (_b, table => table.AwaitAll(_b, _b, tooMany, Infinite, t.Now)),
                     (_a, table => table.ReleaseKeys(_a, _a, tooMany)),
                     (_a, table => table.CancelAwait(_a, _a, tooMany)),
                 })
        {
            var before = Snapshot(t, tooMany);
            var refused = Assert.IsType<LockRefused>(t.Reply(replyTo, () => request(t.Table)));
            Assert.Equal((null, RefusalReason.InvalidRequest), (refused.Key, refused.Cause));
            Assert.Contains("3", refused.Message);
            Assert.Equal(before, Snapshot(t, tooMany));
        }

        // A list of exactly the maximum is fine.
        Assert.IsType<Released>(t.ReleaseKeys(_a, "k1", "k2", "k3"));
    }

    [Fact]
    public void A_null_grant_or_heir_is_refused_as_an_invalid_request_and_changes_nothing()
    {
        var grant = SetUpBusyTable();

        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.Release(_a, _a, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.GiveAway(_a, _a, null, _d, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.GiveAway(_a, _a, grant, null, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.GiveAway(_a, _a, grant, ActorRefs.Nobody, null));
    }
}
