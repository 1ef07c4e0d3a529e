using Akka.Actor;
using LockActors.Tests.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Diagnostics;

// Guarantee: the overview reaches ordinary code through the client, across Akka's serialization
// (every message here round-trips through it), and a lock's label, given in LockOptions, names its
// holder and its waits wherever the manager reports them: Inspect, the listing, the hot keys, the
// wait graph and a busy answer. Out-of-range arguments fail in the client, naming the value.
public sealed class OverviewClientSpecs : LockSpecBase
{
    public OverviewClientSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public async Task Labels_name_holders_and_waiters_in_every_view()
    {
        var manager = NewManager();
        var client = new LockClient(manager);
        await using var held = await client.LockAsync("order:42", new LockOptions { Label = "user alice" });
        var waiting = client.LockAsync("order:42", new LockOptions { Label = "user bob", Timeout = Timeout.InfiniteTimeSpan });
        await AwaitAssertAsync(async () => Assert.Single((await client.InspectAsync("order:42")).Queue), Patience);

        var status = await client.InspectAsync("order:42");
        Assert.Equal("user alice", Assert.Single(status.Holders).Label);
        Assert.Equal("user bob", Assert.Single(status.Queue).Label);

        var page = await client.ListLocksAsync("order:");
        Assert.Equal(status, Assert.Single(page.Keys));
        Assert.Null(page.NextCursor);

        var hot = await client.GetHotKeysAsync(3);
        Assert.Equal(("order:42", 1), ((string)Assert.Single(hot.ByWaiters).Key, hot.ByWaiters[0].Waiters));

        var edge = Assert.Single((await client.GetWaitGraphAsync()).Edges);
        Assert.Equal(("user bob", "order:42", held.Owner, "user alice"), (edge.WaiterLabel, (string)edge.Key, edge.Holder, edge.HolderLabel));

        var prober = CreateTestProbe();
        prober.Send(manager, new TryLock("order:42") { Options = new LockOptions { Label = "user carol" } });
        var busy = prober.ExpectMsg<LockBusy>(Patience);
        Assert.Equal((held.Owner, "user alice"), (busy.Owner, busy.OwnerLabel));

        await held.ReleaseAsync();
        await using var granted = await waiting;
        Assert.Equal("user bob", Assert.Single((await client.InspectAsync("order:42")).Holders).Label);
    }

    [Fact]
    public async Task The_client_pages_through_every_held_key()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var keys = Enumerable.Range(0, 1_000).Select(i => $"k{i:D4}").ToArray();
        foreach (var chunk in keys.Chunk(50))
        {
            owner.Send(manager, new AwaitAll(chunk));
            owner.ExpectMsg<LockAcquired>(Patience);
        }

        var client = new LockClient(manager);
        var listed = new List<object>();
        string? cursor = null;
        do
        {
            var page = await client.ListLocksAsync(after: cursor, pageSize: 128);
            listed.AddRange(page.Keys.Select(s => s.Key));
            Assert.All(page.Keys, s => Assert.Equal(owner.Ref, s.Owner));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(keys, listed);
    }

    [Fact]
    public async Task Out_of_range_arguments_fail_in_the_client_naming_the_value()
    {
        var client = new LockClient(NewManager());

        Assert.Equal(0, (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ListLocksAsync(pageSize: 0))).ActualValue);
        Assert.Equal(ListLocks.MaxPageSize + 1, (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ListLocksAsync(pageSize: ListLocks.MaxPageSize + 1))).ActualValue);
        Assert.Equal(0, (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetHotKeysAsync(0))).ActualValue);
        Assert.Equal(-5, (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetWaitGraphAsync(-5))).ActualValue);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.ListLocksAsync(after: "bogus"));
        Assert.Contains("\"bogus\"", refused.Message);
    }

    [Fact]
    public void A_label_longer_than_allowed_is_refused_naming_its_length()
    {
        var label = new string('y', LockOptions.MaxLabelLength + 1);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LockOptions { Label = label });
        Assert.Equal(nameof(LockOptions.Label), e.ParamName);
        Assert.Contains($"got {label.Length}", e.Message);
        Assert.Equal(new string('z', LockOptions.MaxLabelLength), new LockOptions { Label = new string('z', LockOptions.MaxLabelLength) }.Label);
    }
}
