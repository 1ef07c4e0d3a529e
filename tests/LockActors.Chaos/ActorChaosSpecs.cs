using Xunit;
using Xunit.Abstractions;

namespace LockActors.Chaos;

/// <summary>One chaos run of random owners against a restarting manager, shared by the specs below.</summary>
public sealed class ActorChaosFixture : IAsyncLifetime
{
    internal ActorChaosReport Report { get; private set; } = null!;

    public async Task InitializeAsync() => Report = await ActorChaosRun.RunAsync(ChaosSettings.FromEnvironment());

    public Task DisposeAsync() => Task.CompletedTask;
}

// Guarantees under chaos: random owners make every request of the protocol in every mode, with random
// priorities and timeouts, give locks to live and dead actors, stop, are killed and crash, while
// the manager is killed and restarted a few times. Each spec checks one guarantee of that run.
public sealed class ActorChaosSpecs(ActorChaosFixture fixture, ITestOutputHelper output) : IClassFixture<ActorChaosFixture>
{
    private ActorChaosReport Run
    {
        get
        {
            output.WriteLine(fixture.Report.ToString());
            return fixture.Report;
        }
    }

    [Fact]
    public void The_run_ends_with_every_owner_stopped_and_spends_its_operation_budget()
    {
        var run = Run;
        Assert.True(run.Finished, "owners still running at the deadline:\n" + string.Join("\n", run.Stuck));
        Assert.True(run.Ledger.Operations >= run.Settings.Operations, $"{run.Ledger.Operations} operations of {run.Settings.Operations}");
        Assert.Equal(run.Settings.ManagerRestarts + 1, run.Incarnations);
    }

    [Fact]
    public void No_mode_exclusion_is_violated_outside_the_windows_a_manager_restart_allows()
    {
        var run = Run;
        Assert.True(run.Recorder.Entries > 0);
        Assert.True(run.Recorder.ViolationCount == 0, string.Join("\n", run.Recorder.Violations));
    }

    [Fact]
    public void Every_request_that_expects_a_reply_gets_exactly_one_final_reply()
    {
        var run = Run;
        Assert.True(run.Ledger.ProblemCount == 0, string.Join("\n", run.Ledger.Problems));
        Assert.Equal(run.Ledger.ExpectingReply, run.Ledger.FinalReplies + run.Ledger.Abandoned);
    }

    [Fact]
    public void No_wait_times_out_much_later_than_its_timeout()
    {
        var run = Run;
        Assert.True(run.Ledger.TimedOut > 0);
        Assert.True(run.Ledger.LateTimeouts == 0, $"{run.Ledger.LateTimeouts} waits timed out more than {ReplyLedger.LateBound} late, the latest by {run.Ledger.MaxLateness}");
    }

    [Fact]
    public void No_wait_times_out_before_its_timeout()
    {
        var run = Run;
        Assert.True(run.Ledger.EarlyTimeouts == 0, $"{run.Ledger.EarlyTimeouts} waits timed out early, by up to {run.Ledger.MaxEarliness.TotalMilliseconds} ms");
    }

    [Fact]
    public void Fencing_tokens_keep_increasing_across_manager_restarts()
    {
        var run = Run;
        Assert.True(run.Recorder.TokenRestarts == 0, $"{run.Recorder.TokenRestarts} keys got a smaller token after a restart");
    }

    [Fact]
    public void The_manager_logs_no_error_that_chaos_does_not_explain()
    {
        var run = Run;
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors));
    }

    [Fact]
    public void After_every_owner_stopped_every_key_is_neither_held_nor_waited_for()
    {
        var run = Run;
        Assert.True(run.KeysNotFree.Count == 0, string.Join("\n", run.KeysNotFree));
    }
}
