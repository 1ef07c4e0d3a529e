using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Diagnostics;

// Guarantee: the manager's log lines name each lock's label: a grant and a busy answer at Debug
// (with the holder's label in the busy line), a timeout at Info.
public sealed class LabelLogSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public LabelLogSpecs(ITestOutputHelper output)
        : base("akka.loglevel = DEBUG", output)
    {
    }

    [Fact]
    public void Grants_busy_answers_and_timeouts_are_logged_with_their_labels()
    {
        var manager = Sys.ActorOf(LockManager.Props());
        var (alice, bob) = (CreateTestProbe(), CreateTestProbe());

        EventFilter.Debug(contains: "to " + alice.Ref + " (user alice)").ExpectOne(Patience, () =>
        {
            alice.Send(manager, new TryLock("order:42") { Options = new LockOptions { Label = "user alice" } });
            alice.ExpectMsg<LockAcquired>(Patience);
        });

        EventFilter.Debug(contains: "Busy: \"order:42\" asked by " + bob.Ref + " (user bob) is held by " + alice.Ref + " (user alice)").ExpectOne(Patience, () =>
        {
            bob.Send(manager, new TryLock("order:42") { Options = new LockOptions { Label = "user bob" } });
            bob.ExpectMsg<LockBusy>(Patience);
        });

        EventFilter.Info(contains: "Wait for key \"order:42\" by " + bob.Ref + " (user bob) timed out").ExpectOne(Patience, () =>
        {
            bob.Send(manager, new Await("order:42", TimeSpan.FromMilliseconds(20)) { Options = new LockOptions { Label = "user bob" } });
            bob.ExpectMsg<LockTimedOut>(Patience);
        });
    }
}
