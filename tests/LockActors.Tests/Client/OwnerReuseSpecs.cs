using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// A client without an explicit owner gives every handle its own owner reference, and reuses the
// reference of a lock that ended cleanly for a later handle. Reuse must never be observable as
// anything but the same owner locking again: no late answer, gift or loss of one handle may reach
// another, and a reference whose lock did not end cleanly is never used again.
public sealed class OwnerReuseSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private readonly IActorRef _locks;
    private readonly LockClient _client;

    public OwnerReuseSpecs()
    {
        _locks = Sys.ActorOf(LockManager.Props());
        _client = new LockClient(_locks);
    }

    [Fact]
    public async Task A_cleanly_ended_lock_leaves_its_owner_to_the_next_handle()
    {
        var first = await _client.LockAsync("a");
        var owner = first.Owner;
        await first.ReleaseAsync();

        var disposed = await _client.LockAsync("b");
        Assert.Equal(owner, disposed.Owner);
        await disposed.DisposeAsync();

        var heir = CreateTestProbe();
        var given = await _client.LockAsync("c");
        Assert.Equal(owner, given.Owner);
        await given.GiveAwayAsync(heir.Ref);
        heir.ExpectMsg<LockTransferred>(Long);

        var other = new LockClient(_locks);
        await using var held = await other.LockAsync("busy");
        Assert.Null(await _client.TryLockAsync("busy"));

        await using var last = await _client.LockAsync("d");
        Assert.Equal(owner, last.Owner);
        Assert.Equal(heir.Ref, await _client.WhereIsAsync("c"));
    }

    [Fact]
    public async Task Handles_held_at_once_never_share_an_owner()
    {
        var released = await _client.LockAsync("a");
        await released.ReleaseAsync();

        await using var one = await _client.LockAsync("a");
        await using var two = await _client.LockAsync("b");
        await using var three = await _client.LockAllAsync(["c", "d"]);

        Assert.Equal(3, new[] { one.Owner, two.Owner, three.Owner }.Distinct().Count());
    }

    [Fact]
    public async Task An_owner_whose_release_timed_out_is_never_reused()
    {
        var manager = CreateTestProbe();
        var client = new LockClient(manager.Ref, new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        var handle = await GrantAsync(client, manager, "k");

        var release = handle.ReleaseAsync();
        manager.ExpectMsg<Release>(Long);
        await Assert.ThrowsAsync<LockRefusedException>(() => release.WaitAsync(Long));

        _ = client.TryLockAsync("k2");
        manager.ExpectMsg<TryLock>(Long);
        Assert.NotEqual(handle.Owner, manager.LastSender);
        Assert.Equal(1, client.LiveOwnerCount); // the stopped owner is forgotten
    }

    [Fact]
    public async Task An_owner_whose_wait_was_cancelled_is_never_reused()
    {
        var manager = CreateTestProbe();
        var client = new LockClient(manager.Ref);
        using var cts = new CancellationTokenSource();

        var waiting = client.LockAsync("k", LockOptions.Within(Timeout.InfiniteTimeSpan), cts.Token);
        manager.ExpectMsg<Await>(Long);
        var waiter = manager.LastSender;
        await cts.CancelAsync();
        manager.ExpectMsg<CancelAwait>(Long);
        waiter.Tell(new AwaitCancelled(["k"]), manager.Ref);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Long));

        _ = client.TryLockAsync("k2");
        manager.ExpectMsg<TryLock>(Long);
        Assert.NotEqual(waiter, manager.LastSender);
    }

    [Fact]
    public async Task A_message_sent_to_an_owner_while_it_waits_for_an_answer_does_not_pass_for_the_answer()
    {
        var manager = CreateTestProbe();
        var client = new LockClient(manager.Ref);
        var handle = await GrantAsync(client, manager, "k");

        var release = handle.ReleaseAsync();
        manager.ExpectMsg<Release>(Long);
        manager.LastSender.Tell("hello from a user", TestActor);
        manager.LastSender.Tell(new Released(["k"]), manager.Ref);

        await release.WaitAsync(Long);
        Assert.False(handle.IsHeld);
    }

    [Fact]
    public async Task A_lock_given_to_an_owner_waiting_for_reuse_is_handed_straight_back()
    {
        var first = await _client.LockAsync("mine");
        var idleOwner = first.Owner;
        await first.ReleaseAsync();

        var giver = new LockClient(_locks);
        var gift = await giver.LockAsync("gift");
        await gift.GiveAwayAsync(idleOwner);

        // Nothing would ever end a lock held by an owner that waits for reuse.
        await AwaitAssertAsync(async () => Assert.Null(await _client.WhereIsAsync("gift")), Long);
        await using var next = await _client.LockAsync("gift");
        Assert.Equal(idleOwner, next.Owner);
    }

    [Fact]
    public async Task A_lock_given_to_an_owner_that_holds_stays_until_its_handle_ends_and_the_owner_is_then_stopped()
    {
        var holder = await _client.LockAsync("mine");

        var giver = new LockClient(_locks);
        var gift = await giver.LockAsync("gift");
        await gift.GiveAwayAsync(holder.Owner);
        Assert.Equal(holder.Owner, await _client.WhereIsAsync("gift"));

        await holder.ReleaseAsync();

        // The owner is stopped, not reused: the manager frees what it was given.
        await AwaitAssertAsync(async () => Assert.Null(await _client.WhereIsAsync("gift")), Long);
        await using var next = await _client.LockAsync("other");
        Assert.NotEqual(holder.Owner, next.Owner);
    }

    [Fact]
    public async Task A_lost_lock_cancels_its_own_handles_token_only()
    {
        var earlier = await _client.LockAsync("a");
        var earlierToken = earlier.HandleLostToken;
        await earlier.ReleaseAsync();

        var later = await _client.LockAsync("b");
        Assert.Equal(earlier.Owner, later.Owner);
        var lost = new TaskCompletionSource();
        later.HandleLostToken.Register(() => lost.TrySetResult());

        Sys.Stop(_locks);
        await lost.Task.WaitAsync(Long);

        Assert.False(earlierToken.IsCancellationRequested);
        Assert.False(earlier.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Owners_beyond_the_kept_number_are_stopped_when_their_locks_end_and_the_rest_serve_again()
    {
        const int kept = 64, extra = 6;
        var first = await Task.WhenAll(Enumerable.Range(0, kept + extra).Select(i => _client.LockAsync($"many-{i}")));
        var watcher = CreateTestProbe();
        foreach (var handle in first)
        {
            watcher.Watch(handle.Owner);
        }

        foreach (var handle in first)
        {
            await handle.ReleaseAsync();
        }

        // The client keeps 64 idle owners; the others are stopped, so no watcher keeps them.
        var stopped = Enumerable.Range(0, extra).Select(_ => watcher.ExpectMsg<Terminated>(Long).ActorRef).ToHashSet();
        Assert.Equal(kept, _client.LiveOwnerCount);

        var again = await Task.WhenAll(Enumerable.Range(0, kept).Select(i => _client.LockAsync($"again-{i}")));
        var owners = again.Select(h => h.Owner).ToHashSet();
        Assert.Equal(kept, owners.Count);
        Assert.Subset(first.Select(h => h.Owner).ToHashSet(), owners);
        Assert.Empty(owners.Intersect(stopped));
        Assert.Equal(kept, _client.LiveOwnerCount);

        Assert.Equal(kept, (await _client.GoodbyeAsync()).Count);
        Assert.All(again, h => Assert.False(h.IsHeld));
    }

    private static Task<LockHandle> GrantAsync(LockClient client, Akka.TestKit.TestProbe manager, string key) =>
        ProbeManager.GrantAsync(client, manager, key, Long);
}
