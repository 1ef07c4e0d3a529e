using System.Diagnostics;

namespace LockActors.ClusterSample;

/// <summary>What happened to a key whose owner's node crashed.</summary>
/// <param name="HeldToken">The fencing token of the owner on the crashed node.</param>
/// <param name="GrantedToken">The token of the waiter on another node that got the key.</param>
/// <param name="FreedAfter">From the crash to the waiter's grant.</param>
public sealed record OwnerCrashReport(long HeldToken, long GrantedToken, TimeSpan FreedAfter)
{
    /// <summary>The waiter got the key with a larger token.</summary>
    public bool Held => GrantedToken > HeldToken;
}

/// <summary>What happened to a holder and a waiter when the manager's node crashed.</summary>
/// <param name="HeldToken">The holder's fencing token before the crash.</param>
/// <param name="TokenAfterFailover">The token the new manager reports for the holder (null: it did not know the holder).</param>
/// <param name="HolderLost">Whether the holder's handle was told its lock was lost.</param>
/// <param name="FailoverAfter">From the crash to the new manager's first answer.</param>
/// <param name="WaiterToken">The token the waiter got once the holder released (0: it got nothing).</param>
public sealed record ManagerCrashReport(long HeldToken, long? TokenAfterFailover, bool HolderLost, TimeSpan FailoverAfter, long WaiterToken)
{
    /// <summary>The holder kept its grant and token through the failover, and the waiter got the key after it.</summary>
    public bool Held => TokenAfterFailover == HeldToken && !HolderLost && WaiterToken > HeldToken;
}

/// <summary>The sample's two claims.</summary>
public sealed record ClusterReport(OwnerCrashReport OwnerCrash, ManagerCrashReport ManagerCrash)
{
    /// <summary>Both claims held.</summary>
    public bool Held => OwnerCrash.Held && ManagerCrash.Held;
}

/// <summary>
/// The story: three nodes in one process share one lock manager. An owner's node crashes and a
/// waiter elsewhere gets the key; then the manager's own node crashes and a holder on another
/// node keeps its lock through the failover.
/// </summary>
public static class ClusterDemo
{
    private static readonly LockOptions Patiently = LockOptions.Within(TimeSpan.FromSeconds(60));

    /// <summary>Runs the story, printing each step to <paramref name="output"/>.</summary>
    public static async Task<ClusterReport> RunAsync(TextWriter output)
    {
        var journal = Path.Combine(Path.GetTempPath(), $"lockactors-cluster-sample-{Guid.NewGuid():N}.db");
        List<SampleNode> nodes = [];
        try
        {
            output.WriteLine($"Starting three nodes on 127.0.0.1, journal {journal}");
            var first = await Add(nodes, "node-1", journal, seed: null);
            await Add(nodes, "node-2", journal, first);
            var third = await Add(nodes, "node-3", journal, first);
            output.WriteLine("node-1 is the oldest member: it runs the lock manager.");

            var ownerCrash = await OwnerCrashAsync(output, owners: third, waiters: nodes[1], nodes);
            var fourth = await Add(nodes, "node-4", journal, first);
            output.WriteLine("node-4 joined, so that three members remain when one more goes.");

            var managerCrash = await ManagerCrashAsync(output, manager: first, holders: nodes[1], waiters: fourth, nodes);
            return new ClusterReport(ownerCrash, managerCrash);
        }
        finally
        {
            // Youngest first: the manager moves as rarely as possible on the way out.
            foreach (var node in Enumerable.Reverse(nodes))
            {
                await node.DisposeAsync();
            }

            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                File.Delete(journal + suffix);
            }
        }
    }

    private static async Task<SampleNode> Add(List<SampleNode> nodes, string name, string journal, SampleNode? seed)
    {
        var node = await SampleNode.StartAsync(name, journal, seed);
        nodes.Add(node);
        return node;
    }

    /// <summary>An owner's node crashes while a waiter on another node waits for its key.</summary>
    private static async Task<OwnerCrashReport> OwnerCrashAsync(TextWriter output, SampleNode owners, SampleNode waiters, IEnumerable<SampleNode> cluster)
    {
        output.WriteLine();
        output.WriteLine("1. The node of a lock's owner crashes");
        var held = await owners.Locks.LockAsync("invoice:42", Patiently);
        output.WriteLine($"   {owners.Name} holds invoice:42, fencing token {held.FencingToken}");
        var waiting = waiters.Locks.LockAsync("invoice:42", Patiently);
        await QueuedAsync(waiters, "invoice:42", 1);
        output.WriteLine($"   {waiters.Name} waits for it");

        var clock = Stopwatch.StartNew();
        await owners.CrashAsync(cluster);
        output.WriteLine($"   {owners.Name} crashed");
        await using var granted = await waiting;
        var report = new OwnerCrashReport(held.FencingToken, granted.FencingToken, clock.Elapsed);
        output.WriteLine($"   {waiters.Name} got invoice:42 after {report.FreedAfter.TotalSeconds:F1} s (failure detection, then the split brain "
            + $"resolver's stable-after, then removal), fencing token {granted.FencingToken} > {held.FencingToken}: {Verdict(report.Held)}");
        return report;
    }

    /// <summary>The manager's node crashes while a holder and a waiter on other nodes hold and wait.</summary>
    private static async Task<ManagerCrashReport> ManagerCrashAsync(TextWriter output, SampleNode manager, SampleNode holders, SampleNode waiters, IEnumerable<SampleNode> cluster)
    {
        output.WriteLine();
        output.WriteLine("2. The node of the lock manager crashes");
        var held = await holders.Locks.LockAsync("ledger", Patiently);
        output.WriteLine($"   {holders.Name} holds ledger, fencing token {held.FencingToken}");
        var waiting = waiters.Locks.LockAsync("ledger", Patiently);
        await QueuedAsync(waiters, "ledger", 1);
        output.WriteLine($"   {waiters.Name} waits for it");

        var clock = Stopwatch.StartNew();
        await manager.CrashAsync(cluster);
        output.WriteLine($"   {manager.Name} crashed; the next oldest node, {holders.Name}, takes the manager over from the journal");
        var status = await InspectThroughFailoverAsync(waiters, "ledger");
        var failover = clock.Elapsed;
        var lost = held.HandleLostToken.IsCancellationRequested;
        output.WriteLine($"   after {failover.TotalSeconds:F1} s the new manager answers: ledger held under token {status.FencingToken?.ToString() ?? "(none)"}, "
            + $"{status.Queue.Count} waiting; the holder was {(lost ? "told its lock was lost" : "told nothing")}");

        long waiterToken = 0;
        try
        {
            await held.ReleaseAsync();
            output.WriteLine($"   {holders.Name} released ledger");
            await using var granted = await waiting;
            waiterToken = granted.FencingToken;
        }
        catch (LockException e)
        {
            output.WriteLine($"   {e.GetType().Name}: {e.Message}");
        }

        var report = new ManagerCrashReport(held.FencingToken, status.FencingToken, lost, failover, waiterToken);
        output.WriteLine($"   {waiters.Name} got ledger, fencing token {waiterToken} > {held.FencingToken}: {Verdict(report.Held)}");
        return report;
    }

    /// <summary>Waits until the manager reports <paramref name="count"/> waiters for <paramref name="key"/>.</summary>
    private static async Task QueuedAsync(SampleNode node, string key, int count)
    {
        while ((await node.Locks.InspectAsync(key)).Queue.Count < count)
        {
        }
    }

    /// <summary>
    /// The key's status from the new manager: until the crashed node is removed, the proxy still
    /// sends to the old manager and the request goes unanswered (the client gives up after its
    /// request timeout), so ask again.
    /// </summary>
    private static async Task<KeyStatus> InspectThroughFailoverAsync(SampleNode node, string key)
    {
        while (true)
        {
            try
            {
                return await node.Locks.InspectAsync(key);
            }
            catch (LockRefusedException e) when (e.Cause == LockFailure.ManagerUnavailable)
            {
            }
        }
    }

    private static string Verdict(bool held) => held ? "as claimed" : "CLAIM FAILED";
}
