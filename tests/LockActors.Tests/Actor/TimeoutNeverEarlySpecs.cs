using System.Diagnostics;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: a wait never times out before its timeout has passed since it was sent.
public sealed class TimeoutNeverEarlySpecs : LockSpecBase
{
    public TimeoutNeverEarlySpecs(ITestOutputHelper output) : base(output)
    {
    }

    /// <summary>Notes the moment each message arrives and reports it with the message to <c>report</c>.</summary>
    private sealed class ArrivalClock : ReceiveActor
    {
        public ArrivalClock(IActorRef report) =>
            ReceiveAny(message => report.Tell(new Arrival(Self, message, Stopwatch.GetTimestamp())));
    }

    private sealed record Arrival(IActorRef To, object Message, long Timestamp);

    [Fact]
    public void A_wait_never_times_out_before_its_timeout_has_passed_since_it_was_sent()
    {
        var manager = NewManager();
        Lock(manager, CreateTestProbe(), "held");

        // Waits sent one after another over several milliseconds, with whole and fractional
        // timeouts, each answered to an actor that notes the moment of arrival: a coarse or
        // rounded-down clock lets some of them time out early, most of all those that expire
        // together with an earlier one.
        // The first timer of an actor system can fire late while the scheduler starts: let it start.
        var warmUp = CreateTestProbe();
        warmUp.Send(manager, new Await("held", TimeSpan.FromMilliseconds(1)));
        warmUp.ExpectMsg<LockTimedOut>(Patience);
        var clocks = Enumerable.Range(0, 40).Select(_ => Sys.ActorOf(Props.Create(() => new ArrivalClock(TestActor)))).ToList();

        const int waits = 40;
        var sentAt = new Dictionary<IActorRef, (long Timestamp, TimeSpan Timeout)>();
        for (var i = 0; i < waits; i++)
        {
            var waiter = clocks[i];
            var timeout = TimeSpan.FromMilliseconds(20 + i % 4 * 0.5);
            sentAt[waiter] = (Stopwatch.GetTimestamp(), timeout);
            manager.Tell(new Await("held", timeout), waiter);
            SpreadOverTime(TimeSpan.FromMilliseconds(0.25));
        }

        for (var i = 0; i < waits; i++)
        {
            var arrival = ExpectMsg<Arrival>(Patience);
            Assert.IsType<LockTimedOut>(arrival.Message);
            var (sent, timeout) = sentAt[arrival.To];
            var elapsed = Stopwatch.GetElapsedTime(sent, arrival.Timestamp);
            Assert.True(elapsed >= timeout,
                $"a wait with timeout {timeout.TotalMilliseconds} ms timed out {elapsed.TotalMilliseconds:F3} ms after it was sent");
        }
    }

    /// <summary>Lets <paramref name="span"/> pass on the clock before the next request is sent (spreads arrivals; no ordering relies on it).</summary>
    private static void SpreadOverTime(TimeSpan span)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < span)
        {
            Thread.SpinWait(20);
        }
    }
}
