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

    /// <summary>A key whose hash code can start throwing, and whose Equals may always throw; equal only to itself.</summary>
    private sealed class TreacherousKey(string name, bool equalsThrows)
    {
        public bool HashThrows { get; set; }

        public bool EqualsThrows { get; set; } = equalsThrows;

        public override int GetHashCode() =>
            HashThrows ? throw new InvalidOperationException($"{name} has no hash code any more") : 17;

        public override bool Equals(object? obj) =>
            EqualsThrows ? throw new InvalidOperationException($"{name} cannot be compared") : ReferenceEquals(this, obj);

        public override string ToString() => name;
    }

    public enum Departure
    {
        Release,
        Goodbye,
        Death,
    }

    [Theory]
    [InlineData(false, Departure.Release)]
    [InlineData(false, Departure.Goodbye)]
    [InlineData(false, Departure.Death)]
    [InlineData(true, Departure.Release)]
    [InlineData(true, Departure.Goodbye)]
    [InlineData(true, Departure.Death)]
    public void A_key_whose_hash_starts_throwing_while_locked_is_released_with_one_reply_and_its_waiters_are_served(bool equalsThrows, Departure departure)
    {
        var key = new TreacherousKey("K", equalsThrows);
        var grant = _t.AcquireAll(_a, key, "b");
        _t.Await(_b, "b", Timeout.InfiniteTimeSpan);
        key.HashThrows = true;

        switch (departure)
        {
            case Departure.Release:
                Assert.Equal(grant.Keys, Assert.IsType<Released>(_t.Release(_a, grant)).Keys);
                Assert.Contains(_t.Effects.Errors, e => e.Contains("K"));
                break;
            case Departure.Goodbye:
                Assert.IsType<GoodbyeDone>(_t.Goodbye(_a));
                break;
            default:
                _t.Terminated(_a);
                break;
        }

        Assert.Equal(_b, _t.OwnerOf("b"));
        Assert.Single(_t.Effects.To<LockAcquired>(_b));
        Assert.Equal(1, _t.Table.KeyCount);
        Assert.Equal(1, _t.Table.PartyCount);
    }

    [Fact]
    public void Keys_with_one_hash_code_whose_Equals_starts_throwing_while_locked_are_released_and_removed()
    {
        var first = new TreacherousKey("K1", equalsThrows: false);
        var second = new TreacherousKey("K2", equalsThrows: false);
        var firstGrant = _t.Acquire(_a, first);
        var secondGrant = _t.Acquire(_b, second);
        first.EqualsThrows = second.EqualsThrows = true;

        Assert.IsType<Released>(_t.Release(_a, firstGrant));
        Assert.IsType<Released>(_t.Release(_b, secondGrant));

        Assert.Equal(0, _t.Table.KeyCount);
        Assert.Equal(0, _t.Table.PartyCount);
    }

    [Fact]
    public void Dropping_the_state_tells_the_lost_grant_of_a_key_whose_Equals_started_throwing()
    {
        var key = new TreacherousKey("K", equalsThrows: false);
        var grant = _t.AcquireAll(_a, key, "b");
        key.EqualsThrows = true;

        _t.Table.DropAll("the lock manager stopped");

        var lost = Assert.Single(_t.Effects.To<LockLost>(_a));
        Assert.Equal(grant.Keys, lost.Grant.Keys);
        Assert.Equal(grant.FencingToken, lost.Grant.FencingToken);
    }

    /// <summary>A key whose hash code follows a field that can be changed after it was locked.</summary>
    private sealed class MutableKey(int id)
    {
        public int Id { get; set; } = id;

        public override int GetHashCode() => Id;

        public override bool Equals(object? obj) => obj is MutableKey other && other.Id == Id;

        public override string ToString() => $"mutable-{Id}";
    }

    [Fact]
    public void A_key_mutated_while_locked_is_reported_on_release_and_its_entry_is_removed()
    {
        var key = new MutableKey(1);
        var grant = _t.Acquire(_a, key);
        _t.Await(_b, key, Timeout.InfiniteTimeSpan);
        key.Id = 2;

        Assert.IsType<Released>(_t.Release(_a, grant));

        Assert.Contains(_t.Effects.Errors, e => e.Contains("mutable-2") && e.Contains("hash code"));
        var handedOn = _t.Effects.Last<LockAcquired>(_b).Grant;
        Assert.IsType<Released>(_t.Release(_b, handedOn));
        Assert.Equal(0, _t.Table.KeyCount);
        Assert.Equal(0, _t.Table.PartyCount);
    }
}
