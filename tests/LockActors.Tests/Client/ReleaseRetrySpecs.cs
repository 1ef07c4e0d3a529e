using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// With an explicit owner a release that times out leaves the handle held, to be retried. The
// manager answers the timed-out request late; the retry must still end, and tell the truth.
public sealed class ReleaseRetrySpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private readonly TestProbe _manager;
    private readonly LockClient _client;

    public ReleaseRetrySpecs()
    {
        _manager = CreateTestProbe();
        _client = new LockClient(_manager.Ref, new LockClientOptions
        {
            Owner = CreateTestProbe().Ref,
            RequestTimeout = TimeSpan.FromMilliseconds(50),
        });
    }

    [Fact]
    public async Task A_retry_after_the_late_answer_released_the_lock_succeeds()
    {
        var handle = await ProbeManager.GrantAsync(_client, _manager, "k", Long);
        var replyTo = await TimedOutReleaseAsync(handle);

        replyTo.Tell(new Released(["k"]), _manager.Ref);

        await handle.ReleaseAsync().WaitAsync(Long);
        Assert.False(handle.IsHeld);
        Assert.False(handle.HandleLostToken.IsCancellationRequested);
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // nothing left to release
    }

    [Fact]
    public async Task A_retry_sent_before_the_late_answer_completes_with_the_late_answer()
    {
        var handle = await ProbeManager.GrantAsync(_client, _manager, "k", Long);
        var replyTo = await TimedOutReleaseAsync(handle);

        var retry = handle.ReleaseAsync();
        _manager.ExpectMsg<Release>(Long);
        replyTo.Tell(new Released(["k"]), _manager.Ref); // the first request's answer
        replyTo.Tell(new ReleaseFailed("k", ReleaseFailure.NotLocked, null), _manager.Ref); // the retry's

        await retry.WaitAsync(Long);
        Assert.False(handle.IsHeld);
        Assert.False(handle.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_retry_after_the_late_answer_found_the_lock_gone_reports_it_lost()
    {
        var handle = await ProbeManager.GrantAsync(_client, _manager, "k", Long);
        var replyTo = await TimedOutReleaseAsync(handle);

        replyTo.Tell(new ReleaseFailed("k", ReleaseFailure.NotLocked, null), _manager.Ref);

        var failure = await Assert.ThrowsAsync<ReleaseException>(() => handle.ReleaseAsync().WaitAsync(Long));
        Assert.Equal(LockFailure.NotLocked, failure.Cause);
        Assert.True(handle.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_retried_give_away_after_the_late_answer_gave_it_away_succeeds()
    {
        var heir = CreateTestProbe().Ref;
        var handle = await ProbeManager.GrantAsync(_client, _manager, "k", Long);
        var giving = handle.GiveAwayAsync(heir);
        var request = _manager.ExpectMsg<GiveAway>(Long);
        var replyTo = _manager.LastSender;
        await Assert.ThrowsAsync<LockRefusedException>(() => giving.WaitAsync(Long));
        Assert.True(handle.IsHeld);

        replyTo.Tell(new GaveAway(request.Grant with { Owner = heir, FencingToken = 2 }), _manager.Ref);

        await handle.GiveAwayAsync(heir).WaitAsync(Long);
        Assert.False(handle.IsHeld);
        await Assert.ThrowsAsync<ReleaseException>(() => handle.ReleaseAsync().WaitAsync(Long));
    }

    [Fact]
    public async Task The_reference_of_a_timed_out_release_never_serves_another_lock()
    {
        var handle = await ProbeManager.GrantAsync(_client, _manager, "k", Long);
        var replyTo = await TimedOutReleaseAsync(handle);
        replyTo.Tell(new Released(["k"]), _manager.Ref);
        await handle.ReleaseAsync().WaitAsync(Long);

        _ = _client.TryLockAsync("k2");
        _manager.ExpectMsg<TryLock>(Long);
        Assert.NotEqual(replyTo, _manager.LastSender);
    }

    /// <summary>Releases <paramref name="handle"/> and lets the request time out; returns where the answer goes.</summary>
    private async Task<IActorRef> TimedOutReleaseAsync(LockHandle handle)
    {
        var release = handle.ReleaseAsync();
        _manager.ExpectMsg<Release>(Long);
        var replyTo = _manager.LastSender;
        await Assert.ThrowsAsync<LockRefusedException>(() => release.WaitAsync(Long));
        Assert.True(handle.IsHeld);
        return replyTo;
    }
}
