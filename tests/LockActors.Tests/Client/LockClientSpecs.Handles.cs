using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

public sealed partial class LockClientSpecs
{
    [Fact]
    public async Task ReleaseAsync_twice_throws_ReleaseException_and_dispose_does_not()
    {
        var h = await _client.LockAsync("twice");
        await h.ReleaseAsync();
        var e = await Assert.ThrowsAsync<ReleaseException>(() => h.ReleaseAsync());
        Assert.Equal(LockFailure.NotLocked, e.Cause);
        Assert.Contains("\"twice\"", e.Message);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task GiveAwayAsync_moves_the_lock_to_the_heir()
    {
        var heir = CreateTestProbe();
        var h = await _client.LockAsync("gift");
        await h.GiveAwayAsync(heir.Ref, "data");

        var transfer = heir.ExpectMsg<LockTransferred>(Long);
        Assert.Equal(h.Owner, transfer.From);
        Assert.Equal("data", transfer.GiftData);
        Assert.True(transfer.Grant.FencingToken > h.FencingToken);
        Assert.Equal(heir.Ref, await _client.WhereIsAsync("gift"));

        var e = await Assert.ThrowsAsync<ReleaseException>(() => h.ReleaseAsync());
        Assert.Equal(LockFailure.NotOwner, e.Cause);
        Assert.Equal(heir.Ref, e.CurrentOwner);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task GoodbyeAsync_without_owner_releases_every_held_handle()
    {
        var gone = await _client.LockAsync("g0");
        await gone.ReleaseAsync();
        var b = await _client.LockAllAsync(["g3", "g2"]);
        var a = await _client.LockAsync("g1"); // b took the released handle's owner; a has a new one
        var released = await _client.GoodbyeAsync();
        Assert.Equal(new object[] { "g3", "g2", "g1" }, released); // oldest grant first, keys as requested
        Assert.False(a.IsHeld);
        Assert.False(b.IsHeld);
        Assert.Null(await _client.WhereIsAsync("g2"));
    }

    [Fact]
    public async Task GiveAwayAsync_to_the_owner_itself_is_refused_and_the_handle_stays_held()
    {
        var h = await _client.LockAsync("gift-self");
        var e = await Assert.ThrowsAsync<LockRefusedException>(() => h.GiveAwayAsync(h.Owner));
        Assert.Equal(LockFailure.AlreadyOwner, e.Cause);
        Assert.True(h.IsHeld);

        await h.ReleaseAsync();
        Assert.Null(await _client.WhereIsAsync("gift-self"));
    }

    [Fact]
    public async Task A_release_that_times_out_ends_a_client_made_owner_and_keeps_an_explicit_owners_handle()
    {
        // A manager that grants and then falls silent.
        var silent = CreateTestProbe();
        silent.IgnoreMessages(m => m is Release);
        Task<LockHandle> Granted(LockClient client) => ProbeManager.GrantAsync(client, silent, "k", Long);

        var quick = new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(100) };
        var own = await Granted(new LockClient(silent.Ref, quick));
        await Assert.ThrowsAsync<LockRefusedException>(() => own.ReleaseAsync());
        Assert.False(own.IsHeld); // its owner is stopped, which frees the keys at a real manager

        var explicitOwner = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { Owner = explicitOwner.Ref, RequestTimeout = TimeSpan.FromMilliseconds(100) });
        var held = await Granted(client);
        await Assert.ThrowsAsync<LockRefusedException>(() => held.ReleaseAsync());
        Assert.True(held.IsHeld); // nothing else would release it: the caller may retry
        await Assert.ThrowsAsync<LockRefusedException>(() => held.DisposeAsync().AsTask());
        Assert.True(held.IsHeld);

        var disposed = await Granted(new LockClient(silent.Ref, quick));
        await disposed.DisposeAsync(); // a client-made owner's dispose never throws for a time-out
        Assert.False(disposed.IsHeld);
    }

    [Fact]
    public async Task A_client_with_an_explicit_owner_locks_for_that_owner()
    {
        var owner = CreateTestProbe();
        var client = new LockClient(_locks, new LockClientOptions { Owner = owner.Ref });
        var h = await client.LockAsync("mine");
        Assert.Equal(owner.Ref, h.Owner);
        Assert.Equal(owner.Ref, await client.WhereIsAsync("mine"));

        var self = await Assert.ThrowsAsync<LockRefusedException>(() => client.LockAsync("mine"));
        Assert.Equal(LockFailure.SelfDeadlock, self.Cause);
        Assert.Equal("mine", self.Key);

        await client.LockAsync("mine2");
        var released = await client.GoodbyeAsync();
        Assert.Equal(2, released.Count);
        Assert.False(h.IsHeld);
        Assert.Null(await client.WhereIsAsync("mine"));
    }

    [Fact]
    public async Task Stopping_an_explicit_owner_frees_its_keys_and_a_later_release_reports_the_loss()
    {
        var owner = CreateTestProbe();
        var client = new LockClient(_locks, new LockClientOptions { Owner = owner.Ref });
        var h = await client.LockAsync("crash");
        Watch(owner.Ref);
        Sys.Stop(owner.Ref);
        ExpectTerminated(owner.Ref, Long);
        await AwaitAssertAsync(async () => Assert.Null(await _client.WhereIsAsync("crash")), Long);

        var e = await Assert.ThrowsAsync<ReleaseException>(() => h.ReleaseAsync());
        Assert.Equal(LockFailure.NotLocked, e.Cause);
        Assert.True(h.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task HandleLostToken_is_cancelled_when_the_manager_stops()
    {
        var h = await _client.LockAsync("lost");
        var lost = new TaskCompletionSource();
        h.HandleLostToken.Register(() => lost.TrySetResult());
        Sys.Stop(_locks);
        await lost.Task.WaitAsync(Long);
        await h.DisposeAsync(); // never throws for a lost lock
    }

    [Fact]
    public async Task HandleLostToken_read_only_after_the_loss_is_already_cancelled()
    {
        var h = await _client.LockAsync("lost-later");
        Watch(_locks);
        Sys.Stop(_locks);
        ExpectTerminated(_locks, Long);

        // LockLost reached the handle's owner before the manager terminated; nobody had asked for the token yet.
        Assert.True(h.HandleLostToken.IsCancellationRequested);
        await h.DisposeAsync().AsTask().WaitAsync(Long); // nothing to release, and no request to time out
        Assert.False(h.IsHeld);
    }
}
