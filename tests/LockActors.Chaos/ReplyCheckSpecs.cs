using Akka.Actor;
using Xunit;

namespace LockActors.Chaos;

// The owners' reply check itself: against a manager that answers every request twice, owners
// report the extra replies, so "exactly one final reply" in a chaos run is a real check.
public sealed class ReplyCheckSpecs : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Answers every request with a refusal-free final reply, twice.</summary>
    private sealed class AnswerTwiceManager : ReceiveActor
    {
        public AnswerTwiceManager()
        {
            Receive<TryLock>(m => Twice(new LockBusy(m.Key, null)));
            Receive<Await>(m => Twice(new LockTimedOut([m.Key])));
            Receive<AwaitAll>(m => Twice(new LockTimedOut(m.Keys)));
            Receive<Goodbye>(_ => Twice(new GoodbyeDone([])));
            Receive<WhereIs>(m => Twice(new KeyOwner(m.Key, null)));
            Receive<Inspect>(m => Twice(KeyStatus.Free(m.Key)));
            ReceiveAny(_ => { });
        }

        private void Twice(object reply)
        {
            Sender.Tell(reply);
            Sender.Tell(reply);
        }
    }

    [Fact]
    public async Task Owners_report_a_second_reply_to_one_request()
    {
        var ledger = new ReplyLedger(operationBudget: 500, managerRestarts: 0);
        var manager = Sys.ActorOf(Props.Create(() => new AnswerTwiceManager()));
        var world = new ChaosWorld(manager, new ChaosKeys(4, 2), new CriticalSectionRecorder(), ledger, slots: 5);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sys.ActorOf(OwnerSpawner.Props(world, seed: 1, done));

        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(ledger.ProblemCount > 0);
        Assert.Contains(ledger.Problems, p => p.Contains("no request outstanding", StringComparison.Ordinal) || p.Contains("does not answer", StringComparison.Ordinal));
    }
}
