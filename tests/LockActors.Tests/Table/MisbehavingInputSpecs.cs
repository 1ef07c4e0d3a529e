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

    [Theory]
    [InlineData("TryLock of a new key")]
    [InlineData("Await of a new key")]
    [InlineData("Await of a held key")]
    [InlineData("AwaitAll of new keys")]
    [InlineData("AwaitAll of a new and a held key")]
    [InlineData("GiveAway to it")]
    public void An_owner_whose_watch_throws_is_refused_and_leaves_nothing_in_the_table(string request)
    {
        var unwatchable = TableFixture.Ref("unwatchable");
        _t.Effects.WatchFails = actor => actor.Equals(unwatchable);
        var grant = _t.Acquire(_a, "held");
        Action operation = request switch
        {
            "TryLock of a new key" => () => _t.Table.TryLock(unwatchable, unwatchable, "new"),
            "Await of a new key" => () => _t.Table.Await(unwatchable, unwatchable, "new", null, _t.Now),
            "Await of a held key" => () => _t.Table.Await(unwatchable, unwatchable, "held", null, _t.Now),
            "AwaitAll of new keys" => () => _t.Table.AwaitAll(unwatchable, unwatchable, ["new", "other"], null, _t.Now),
            "AwaitAll of a new and a held key" => () => _t.Table.AwaitAll(unwatchable, unwatchable, ["new", "held"], null, _t.Now),
            _ => () => _t.Table.GiveAway(_a, _a, grant, unwatchable, null),
        };

        Assert.Throws<InvalidOperationException>(operation);

        _t.Table.CheckInvariants();
        Assert.Equal(1, _t.Table.KeyCount);
        Assert.Equal(1, _t.Table.PartyCount);
        Assert.Equal(_a, _t.OwnerOf("held"));
        Assert.Empty(_t.WaitersOf("held"));
        Assert.Empty(_t.Effects.To(unwatchable));

        // The table goes on as usual: the key is handed on when released.
        _t.Await(_b, "held");
        Assert.IsType<Released>(_t.ReleaseKeys(_a, "held"));
        Assert.Equal(_b, _t.OwnerOf("held"));
    }
}
