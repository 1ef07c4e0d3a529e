using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

// Guarantee: a request from the wrong actor, or carrying a key or a reference that misbehaves,
// is answered with the failure that describes it, and the table stays whole: every invariant
// holds, no entry is left behind, every waiter that can be granted is granted, and each request
// gets exactly one reply.
public sealed class MisbehavingInputSpecs
{
    private readonly TableFixture _t = new();
    private readonly FakeRef _a = TableFixture.Ref("a");
    private readonly FakeRef _b = TableFixture.Ref("b");

    [Fact]
    public void A_non_owner_giving_away_someone_elses_grant_to_itself_is_told_it_is_not_the_owner()
    {
        var grant = _t.Acquire(_a, "k");

        var reply = _t.Reply(_b, () => _t.Table.GiveAway(_b, _b, grant, _b, null));

        var failed = Assert.IsType<ReleaseFailed>(reply);
        Assert.Equal(ReleaseFailure.NotOwner, failed.Cause);
        Assert.Equal("k", failed.Key);
        Assert.Equal(_a, failed.CurrentOwner);
        Assert.Equal(_a, _t.OwnerOf("k"));
    }
}
