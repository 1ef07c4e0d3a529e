using System.Collections.Concurrent;
using System.Diagnostics;
using LockActors.Tests.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Diagnostics;

// Guarantee: each lock request of a LockClient is one activity of the LockActors source, a child
// of the caller's current activity, tagged with its keys, mode, permits, label and outcome, and
// marked as an error when the lock timed out. The caller's own current activity is unchanged.
public sealed class TracingSpecs : LockSpecBase
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TracingSpecs(ITestOutputHelper output) : base(output)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LockDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task A_wait_is_an_activity_under_the_callers_with_its_tags_and_outcome()
    {
        var client = new LockClient(NewManager());
        using var caller = new Activity("checkout").Start();

        await using (var handle = await client.LockAsync("order:42", new LockOptions { Label = "user alice" }))
        {
            Assert.Same(caller, Activity.Current);
            var waited = Assert.Single(Under(caller));
            Assert.Equal(LockDiagnostics.WaitActivity, waited.OperationName);
            Assert.Equal(caller.SpanId, waited.ParentSpanId);
            Assert.Equal("\"order:42\"", waited.GetTagItem(LockDiagnostics.KeysTag));
            Assert.Equal(1, waited.GetTagItem(LockDiagnostics.KeyCountTag));
            Assert.Equal("await", waited.GetTagItem(LockDiagnostics.RequestTag));
            Assert.Equal("exclusive", waited.GetTagItem(LockDiagnostics.ModeTag));
            Assert.Equal(1, waited.GetTagItem(LockDiagnostics.PermitsTag));
            Assert.Equal("user alice", waited.GetTagItem(LockDiagnostics.LabelTag));
            Assert.Equal("granted", waited.GetTagItem(LockDiagnostics.OutcomeTag));
            Assert.Equal(handle.FencingToken, waited.GetTagItem(LockDiagnostics.FencingTokenTag));
            Assert.Equal(ActivityStatusCode.Unset, waited.Status);

            await Assert.ThrowsAsync<LockTimeoutException>(() => client.LockAllAsync(["order:42", "order:43"], LockOptions.Shared with { Timeout = TimeSpan.FromMilliseconds(50) }));
            Assert.Null(await client.TryLockAsync("order:42"));
        }

        var all = Under(caller);
        Assert.Equal(3, all.Count);
        var timedOut = all[1];
        Assert.Equal(("await_all", 2, "shared", "timed_out", ActivityStatusCode.Error),
            (timedOut.GetTagItem(LockDiagnostics.RequestTag), timedOut.GetTagItem(LockDiagnostics.KeyCountTag), timedOut.GetTagItem(LockDiagnostics.ModeTag),
             timedOut.GetTagItem(LockDiagnostics.OutcomeTag), timedOut.Status));
        Assert.Equal(("try_lock", "not_granted"), (all[2].GetTagItem(LockDiagnostics.RequestTag), all[2].GetTagItem(LockDiagnostics.OutcomeTag)));
    }

    [Fact]
    public async Task A_refused_wait_names_the_reason()
    {
        var client = new LockClient(NewManager());
        using var caller = new Activity("nested").Start();

        await using var semaphore = await client.LockAsync("k", LockOptions.Semaphore(2));
        await Assert.ThrowsAsync<LockRefusedException>(() => client.LockAsync("k"));

        var refused = Under(caller).Single(a => (string?)a.GetTagItem(LockDiagnostics.OutcomeTag) == "refused");
        Assert.Equal(nameof(LockFailure.CapacityMismatch), refused.GetTagItem(LockDiagnostics.ReasonTag));
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _listener.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The stopped activities of this test's caller, in the order they stopped.</summary>
    private List<Activity> Under(Activity caller) => _stopped.Where(a => a.TraceId == caller.TraceId).ToList();
}
