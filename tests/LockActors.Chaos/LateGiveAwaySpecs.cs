using Akka.Actor;
using Akka.TestKit;
using Xunit;

namespace LockActors.Chaos;

// A give-away whose answer comes after the request timeout leaves the handle held; ending the handle
// afterwards must take the late GaveAway for what it is, whether it arrived before or after.
public sealed class LateGiveAwaySpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly ChaosTerms ExclusiveLock = new(LockMode.Exclusive, 1, 1, 0, TimeSpan.FromSeconds(5));

    /// <summary>Passes requests on to the manager, or holds them back (in order) while closed.</summary>
    private sealed class Gate : UntypedActor, IWithStash
    {
        private readonly IActorRef _manager;
        private bool _closed;

        public Gate(IActorRef manager) => _manager = manager;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "close":
                    _closed = true;
                    break;
                case "open":
                    _closed = false;
                    Stash.UnstashAll();
                    break;
                default:
                    if (_closed)
                    {
                        Stash.Stash();
                    }
                    else
                    {
                        _manager.Forward(message);
                    }

                    break;
            }
        }
    }

    [Fact]
    public async Task Disposing_a_handle_whose_give_away_timed_out_ends_quietly()
    {
        var (gate, heir, handle) = await HandleWhoseGiveAwayTimedOutAsync();
        gate.Tell("open");
        heir.ExpectMsg<LockTransferred>(Patience);

        await ChaosProtocol.DisposeAsync(handle).AsTask().WaitAsync(Patience);
    }

    [Fact]
    public async Task Disposing_a_handle_while_its_timed_out_give_away_is_still_queued_ends_quietly()
    {
        var (gate, heir, handle) = await HandleWhoseGiveAwayTimedOutAsync();
        var dispose = ChaosProtocol.DisposeAsync(handle).AsTask();
        gate.Tell("open");

        await dispose.WaitAsync(Patience);
        heir.ExpectMsg<LockTransferred>(Patience);
    }

    /// <summary>A handle of an explicit owner whose give-away the closed gate held back past the 50 ms request timeout.</summary>
    private async Task<(IActorRef Gate, TestProbe Heir, LockHandle Handle)> HandleWhoseGiveAwayTimedOutAsync()
    {
        var manager = Sys.ActorOf(LockManager.Props());
        var gate = Sys.ActorOf(Props.Create(() => new Gate(manager)));
        var heir = CreateTestProbe();
        var client = ChaosProtocol.NewClient(gate, TimeSpan.FromMilliseconds(50), CreateTestProbe().Ref);
        var handle = await ChaosProtocol.AwaitAsync(client, "k", ExclusiveLock, CancellationToken.None);

        gate.Tell("close");
        await Assert.ThrowsAnyAsync<LockRefusedException>(() => ChaosProtocol.GiveAwayAsync(handle, heir.Ref, 1));
        return (gate, heir, handle);
    }
}
