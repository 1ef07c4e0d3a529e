using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: a key that misbehaves after it was locked (its hash code starts throwing, or changes)
// is still released: its owner gets exactly one reply, the key's entry leaves the manager's state,
// and the waiters of the grant's other keys are served at once.
public sealed class MisbehavingKeySpecs : LockSpecBase
{
    public MisbehavingKeySpecs(ITestOutputHelper output) : base(output, serializeMessages: false)
    {
    }

    /// <summary>A key whose hash code can start throwing; equal only to itself.</summary>
    private sealed class BreakingKey
    {
        public volatile bool Broken;

        public override int GetHashCode() => Broken ? throw new InvalidOperationException("no hash code any more") : 17;

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override string ToString() => "breaking-key";
    }

    [Fact]
    public void Releasing_a_grant_whose_key_started_throwing_answers_once_and_serves_the_next_waiter()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var waiter = CreateTestProbe();
        var key = new BreakingKey();
        var grant = LockAll(manager, owner, key, "b");
        waiter.Send(manager, new Await("b", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "b", waiter.Ref);
        key.Broken = true;

        EventFilter.Error(contains: "breaking-key").ExpectOne(() =>
        {
            owner.Send(manager, new Release(grant));
            Assert.Equal(grant.Keys, owner.ExpectMsg<Released>(Patience).Keys);
        });

        Assert.Equal("b", Assert.Single(waiter.ExpectMsg<LockAcquired>(Patience).Grant.Keys));
        owner.ExpectNoMsg(Brief);
    }
}
