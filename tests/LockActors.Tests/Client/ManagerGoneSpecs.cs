using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// Every call of a client ends: when the manager terminates, every pending call fails at once with
// an exception naming it; a wait the manager never answers fails at its timeout plus the request
// timeout, and is withdrawn.
public sealed class ManagerGoneSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_pending_call_fails_at_once_when_the_manager_stops()
    {
        var locks = Sys.ActorOf(LockManager.Props());
        await AssertEveryCallEndsAsync(locks, () => Sys.Stop(locks));
    }

    [Fact]
    public async Task Every_pending_call_fails_at_once_when_the_manager_is_killed_and_its_supervisor_stops_it()
    {
        // The user guardian's default strategy stops an actor that was killed.
        var locks = Sys.ActorOf(LockManager.Props());
        await AssertEveryCallEndsAsync(locks, () => locks.Tell(Kill.Instance));
    }

    [Fact]
    public async Task A_wait_the_manager_never_answers_fails_after_its_timeout_plus_the_request_timeout_and_is_withdrawn()
    {
        var silent = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });

        var waiting = client.LockAsync("k", LockOptions.Within(TimeSpan.FromMilliseconds(300)));
        silent.ExpectMsg<Await>(Long);
        var all = client.LockAllAsync(["a", "b"], LockOptions.Within(TimeSpan.FromMilliseconds(300)));
        silent.ExpectMsg<AwaitAll>(Long);

        var failure = await Assert.ThrowsAsync<LockRefusedException>(() => waiting.WaitAsync(Long));
        Assert.Contains(silent.Ref.Path.ToString(), failure.Message);
        await Assert.ThrowsAsync<LockRefusedException>(() => all.WaitAsync(Long));
        var withdrawn = new[] { silent.ExpectMsg<CancelAwait>(Long), silent.ExpectMsg<CancelAwait>(Long) };
        Assert.Contains(withdrawn, c => c.Keys!.SequenceEqual(["k"]));
        Assert.Contains(withdrawn, c => c.Keys!.SequenceEqual(["a", "b"]));
    }

    [Fact]
    public async Task A_wait_without_an_end_is_ended_by_the_managers_death_only()
    {
        var silent = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(100) });

        var waiting = client.LockAsync("k", LockOptions.Within(Timeout.InfiniteTimeSpan));
        silent.ExpectMsg<Await>(Long);
        silent.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.False(waiting.IsCompleted);

        Sys.Stop(silent.Ref);
        var failure = await Assert.ThrowsAsync<LockRefusedException>(() => waiting.WaitAsync(Long));
        Assert.Equal(LockFailure.ManagerRestarted, failure.Cause);
        Assert.Contains(silent.Ref.Path.ToString(), failure.Message);
    }

    [Fact]
    public async Task Every_client_of_a_manager_learns_of_its_death_and_a_client_made_afterwards_fails_at_once()
    {
        var silent = CreateTestProbe();
        var clients = Enumerable.Range(0, 50).Select(_ => new LockClient(silent.Ref)).ToList();
        var pending = clients.Select((c, i) => c.LockAsync($"k{i}", LockOptions.Within(Timeout.InfiniteTimeSpan))).ToList();
        silent.ReceiveN(pending.Count, Long);

        Sys.Stop(silent.Ref);

        foreach (var call in pending)
        {
            await Assert.ThrowsAsync<LockRefusedException>(() => call.WaitAsync(Long));
        }

        var afterwards = new LockClient(silent.Ref);
        var failure = await Assert.ThrowsAsync<LockRefusedException>(
            () => afterwards.LockAsync("k", LockOptions.Within(Timeout.InfiniteTimeSpan)).WaitAsync(Long));
        Assert.Contains(silent.Ref.Path.ToString(), failure.Message);
    }

    /// <summary>
    /// Starts calls of every kind on <paramref name="locks"/> that stay pending, ends the manager
    /// with <paramref name="end"/>, and checks that every call ends with a failure naming it.
    /// </summary>
    private async Task AssertEveryCallEndsAsync(IActorRef locks, Action end)
    {
        var client = new LockClient(locks);
        var holder = new LockClient(locks);
        var held = await holder.LockAsync("busy");
        var mine = await client.LockAsync("mine");
        var lost = new TaskCompletionSource();
        mine.HandleLostToken.Register(() => lost.TrySetResult());

        var pending = new List<Task>
        {
            client.LockAsync("busy", LockOptions.Within(Timeout.InfiniteTimeSpan)),
            client.LockAsync("busy", LockOptions.Within(TimeSpan.FromMinutes(5))),
            client.LockAllAsync(["free", "busy"]),
            holder.LockAsync("mine", LockOptions.Within(Timeout.InfiniteTimeSpan)),
        };
        await AwaitAssertAsync(async () => Assert.Equal(3, (await client.InspectAsync("busy")).Waiters.Count), Long);

        end();

        // Answered by the stopping manager or, failing that, by the client's watch of it.
        foreach (var call in pending)
        {
            var failure = await Assert.ThrowsAsync<LockRefusedException>(() => call.WaitAsync(Long));
            Assert.Equal(LockFailure.ManagerRestarted, failure.Cause);
        }

        await lost.Task.WaitAsync(Long);
        await mine.DisposeAsync().AsTask().WaitAsync(Long);
        await held.DisposeAsync().AsTask().WaitAsync(Long);

        // A call made afterwards fails as it is sent.
        var late = await Assert.ThrowsAsync<LockRefusedException>(() => client.TryLockAsync("later").WaitAsync(Long));
        Assert.Equal(LockFailure.ManagerRestarted, late.Cause);
        Assert.Contains(locks.Path.ToString(), late.Message);
    }
}
