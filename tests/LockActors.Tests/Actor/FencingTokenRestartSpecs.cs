using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: every grant's fencing token is larger than every earlier grant's, also when the
// manager restarted in between.
public sealed class FencingTokenRestartSpecs : LockSpecBase
{
    public FencingTokenRestartSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void Fencing_tokens_keep_increasing_after_the_manager_restarts()
    {
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent()));
        parent.Tell("who", TestActor);
        var manager = ExpectMsg<IActorRef>(Patience);
        var owner = CreateTestProbe();
        var before = Lock(manager, owner, "k");
        Release(manager, owner, before);
        var second = Lock(manager, owner, "k");

        manager.Tell(Kill.Instance);
        owner.ExpectMsg<LockLost>(Patience);

        var after = Lock(manager, owner, "k");
        Assert.True(after.FencingToken > second.FencingToken,
            $"the first grant after the restart has token {after.FencingToken}, not above the earlier {second.FencingToken}");
    }
}
