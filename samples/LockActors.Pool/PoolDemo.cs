using System.Collections.Concurrent;
using Akka.Actor;

namespace LockActors.Pool;

/// <summary>Figures of the busy run: ten jobs and a bulk job share three connections.</summary>
/// <param name="Capacity">The pool's size.</param>
/// <param name="PeakInUse">The most connections out at once; must not exceed <paramref name="Capacity"/>.</param>
/// <param name="WhileBusy">Inspect("db") taken just after every job had asked.</param>
/// <param name="SentOrder">The jobs in the order they asked.</param>
/// <param name="GrantOrder">The jobs in the order they were granted (by fencing token).</param>
public sealed record LoadReport(int Capacity, int PeakInUse, KeyStatus WhileBusy, IReadOnlyList<string> SentOrder, IReadOnlyList<string> GrantOrder)
{
    /// <summary>True when the pool never had more than its capacity out and every job was served in turn.</summary>
    public bool Held => PeakInUse <= Capacity && GrantOrder.SequenceEqual(SentOrder);
}

/// <summary>What the VIP run saw.</summary>
/// <param name="WhenVipArrived">Inspect("db") once the VIP was in line with the ordinary jobs that came before it.</param>
/// <param name="GrantOrder">Who was granted after the VIP arrived, in grant order (by fencing token).</param>
/// <param name="VipFirst">The VIP was the first granted after it arrived, ahead of every ordinary job already waiting.</param>
public sealed record VipReport(KeyStatus WhenVipArrived, IReadOnlyList<string> GrantOrder, bool VipFirst)
{
    /// <summary>True when the VIP skipped the queue.</summary>
    public bool Held => VipFirst;
}

/// <summary>What the crash-release run saw.</summary>
/// <param name="Before">Inspect("db") while the importer held a permit and a job waited.</param>
/// <param name="After">Inspect("db") once the job had started.</param>
/// <param name="PermitPassed">The waiting job got a permit while the other holder still held its two: the importer's.</param>
public sealed record CrashReleaseReport(KeyStatus Before, KeyStatus After, bool PermitPassed)
{
    /// <summary>True when the stopped importer's permit went to the waiting job.</summary>
    public bool Held => PermitPassed;
}

/// <summary>All three runs of the sample.</summary>
public sealed record PoolReport(LoadReport Load, VipReport Vip, CrashReleaseReport CrashRelease)
{
    /// <summary>True when every run showed what it demonstrates.</summary>
    public bool Held => Load.Held && Vip.Held && CrashRelease.Held;
}

/// <summary>The sample's story, callable from the console program and from tests.</summary>
public static class PoolDemo
{
    /// <summary>The pool's size in every run.</summary>
    public const int Size = 3;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Runs the three parts and prints what they show.</summary>
    public static async Task<PoolReport> RunAsync(ActorSystem system, IActorRef locks, TextWriter output)
    {
        var client = new LockClient(locks);
        var load = await RunLoadAsync(client, output);
        var vip = await RunVipAsync(client, output);
        var crash = await RunCrashReleaseAsync(system, locks, client, output);
        return new PoolReport(load, vip, crash);
    }

    /// <summary>1. Ten one-connection jobs and a two-connection bulk job share a pool of three.</summary>
    public static async Task<LoadReport> RunLoadAsync(LockClient locks, TextWriter output)
    {
        Title(output, $"1. Ten jobs and a bulk job share a pool of {Size} connections (key \"db\", a semaphore of {Size} permits)");
        var pool = new ConnectionPool(locks, Size);
        var grants = new GrantLog();
        (string Name, int Connections)[] jobs =
        [
            .. Enumerable.Range(1, 4).Select(i => ($"job {i}", 1)),
            ("bulk", 2),
            .. Enumerable.Range(5, 6).Select(i => ($"job {i}", 1)),
        ];

        // Every job asks at once; each holds its connections for a little simulated work.
        var running = jobs.Select(job => pool.UseAsync(async (connections, handle) =>
        {
            grants.Add(job.Name, handle);
            await Task.Delay(job.Connections == 2 ? 60 : 30);
        }, job.Connections)).ToArray();
        var whileBusy = await locks.InspectAsync(ConnectionPool.Key);
        await Task.WhenAll(running).WaitAsync(Patience);

        var report = new LoadReport(Size, pool.PeakInUse, whileBusy, jobs.Select(j => j.Name).ToArray(), grants.Order());
        Say(output, $"Inspect(\"db\") just after all asked: {Describe(whileBusy, grants.NameOf)}");
        Say(output, $"granted in order: {string.Join(", ", report.GrantOrder)}");
        Say(output, report.GrantOrder.SequenceEqual(report.SentOrder)
            ? "  first come, first served: when one permit was free, job 5 did not slip past the bulk job that needed two"
            : "  NOT in the order asked");
        Say(output, $"peak connections in use: {report.PeakInUse} of {Size}");
        return report;
    }

    /// <summary>2. A VIP job (priority 1) arrives behind five waiting jobs and is served before them.</summary>
    public static async Task<VipReport> RunVipAsync(LockClient locks, TextWriter output)
    {
        Title(output, "2. A VIP job skips the queue");
        var pool = new ConnectionPool(locks, Size);
        var grants = new GrantLog();

        // Three long reports take every connection and keep them until their gate opens.
        var reportsIn = new CountdownEvent(Size);
        var allReportsIn = NewSignal();
        var gates = Enumerable.Range(0, Size).Select(_ => NewSignal()).ToArray();
        var reports = gates.Select((gate, i) => pool.UseAsync(async (_, handle) =>
        {
            grants.Add($"report {(char)('A' + i)}", handle);
            if (reportsIn.Signal())
            {
                allReportsIn.SetResult();
            }

            await gate.Task;
        })).ToArray();
        await allReportsIn.Task.WaitAsync(Patience);

        // Five ordinary jobs line up, then the VIP arrives behind them.
        var jobs = Enumerable.Range(1, 5).Select(i => pool.UseAsync(async (_, handle) =>
        {
            grants.Add($"job {i}", handle);
            await Task.Delay(10);
        })).ToArray();
        await WaitForQueueAsync(locks, 5);
        var vipIn = NewSignal();
        var vip = pool.UseAsync(async (_, handle) =>
        {
            grants.Add("VIP", handle);
            vipIn.SetResult();
            await Task.Delay(10);
        }, priority: 1);
        var whenVipArrived = await WaitForQueueAsync(locks, 6);
        var lastTokenBefore = grants.LastToken;

        // One report finishes: its connection goes to the VIP, not to job 1 that has waited longest.
        gates[0].SetResult();
        await vipIn.Task.WaitAsync(Patience);
        foreach (var gate in gates)
        {
            gate.TrySetResult();
        }

        await Task.WhenAll([.. reports, .. jobs, vip]).WaitAsync(Patience);
        var after = grants.OrderAfter(lastTokenBefore);
        var vipFirst = after.Count > 0 && after[0] == "VIP";
        Say(output, $"Inspect(\"db\") when the VIP arrived: {Describe(whenVipArrived, grants.NameOf)}");
        Say(output, $"granted after the VIP arrived, in order: {string.Join(", ", after)}");
        Say(output, vipFirst
            ? "the VIP was next; the ordinary jobs kept their own first-come order behind it"
            : "the VIP was NOT the next granted");
        return new VipReport(whenVipArrived, after, vipFirst);
    }

    /// <summary>3. An actor holding a permit stops; its permit passes to a waiting job.</summary>
    public static async Task<CrashReleaseReport> RunCrashReleaseAsync(ActorSystem system, IActorRef locks, LockClient client, TextWriter output)
    {
        Title(output, "3. Crash release: an actor holding a permit stops, a waiting job gets it");
        var pool = new ConnectionPool(client, Size);
        var grants = new GrantLog();

        // A bulk job holds two connections until the gate opens.
        var bulkIn = NewSignal();
        var bulkGate = NewSignal();
        var bulk = pool.UseAsync(async (_, handle) =>
        {
            grants.Add("bulk", handle);
            bulkIn.SetResult();
            await bulkGate.Task;
        }, connections: 2);
        await bulkIn.Task.WaitAsync(Patience);

        // The importer actor takes the third permit with Await("db") { Capacity = 3 }.
        var holding = new TaskCompletionSource<LockGrant>(TaskCreationOptions.RunContinuationsAsynchronously);
        var importer = system.ActorOf(Props.Create(() => new Importer(locks, Size, holding)), "importer");
        var grant = await holding.Task.WaitAsync(Patience);
        Say(output, $"the importer actor holds {grant.Permits} permit (token {grant.FencingToken}); the bulk job holds 2");

        // A job waits: the pool is full. Once in, it works until we have looked (the same gate as the bulk job).
        var jobIn = NewSignal();
        var job = pool.UseAsync(async (_, handle) =>
        {
            grants.Add("job", handle);
            jobIn.SetResult();
            await bulkGate.Task;
        });
        var before = await WaitForQueueAsync(client, 1);

        // The importer stops (a crash its supervisor answers with Stop looks the same): the manager,
        // which watches every owner, gets Terminated and passes its permit on.
        system.Stop(importer);
        var jobGotIn = true;
        try
        {
            await jobIn.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            jobGotIn = false;
        }

        // The bulk job still holds its two (its gate is closed), so the job's permit is the importer's.
        var after = await client.InspectAsync(ConnectionPool.Key);
        var passed = jobGotIn
            && before.Holders.Any(h => h.Owner.Equals(importer))
            && after.Holders.All(h => !h.Owner.Equals(importer))
            && after.PermitsHeld == Size;

        string NameOf(IActorRef owner) => owner.Equals(importer) ? "importer" : grants.NameOf(owner);
        Say(output, $"a job waits, Inspect(\"db\"): {Describe(before, NameOf)}");
        Say(output, "the importer actor stops");
        Say(output, $"then Inspect(\"db\"): {Describe(after, NameOf)}");
        Say(output, passed
            ? "the waiting job got the importer's permit at once; nobody released anything by hand"
            : "the waiting job did NOT get the importer's permit");

        bulkGate.SetResult();
        await Task.WhenAll(bulk, job).WaitAsync(Patience);
        return new CrashReleaseReport(before, after, passed);
    }

    /// <summary>
    /// Asks the manager until "db" has <paramref name="waits"/> waits in line, and returns its status
    /// then (or after <see cref="Patience"/>, whatever it is: the caller judges it).
    /// </summary>
    private static async Task<KeyStatus> WaitForQueueAsync(LockClient locks, int waits)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await locks.InspectAsync(ConnectionPool.Key);
            if (status.Queue.Count == waits || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Yield();
        }
    }

    /// <summary>Holders with their permits, then the queue with permits and priorities, as one line.</summary>
    private static string Describe(KeyStatus status, Func<IActorRef, string> nameOf) =>
        $"{status.PermitsHeld} of {status.Capacity} permits held by "
        + $"[{string.Join(", ", status.Holders.Select(h => $"{nameOf(h.Owner)} ×{h.Permits}"))}]; "
        + $"queue [{string.Join(", ", status.Queue.Select(w => $"{nameOf(w.Owner)} ×{w.Permits} p{w.Priority}"))}]";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Title(TextWriter output, string text) => output.WriteLine($"{Environment.NewLine}== {text}");

    private static void Say(TextWriter output, string text) => output.WriteLine($"   {text}");

    /// <summary>Who got in, under which fencing token: tokens rise with every grant, so they give the manager's grant order.</summary>
    private sealed class GrantLog
    {
        private readonly ConcurrentDictionary<IActorRef, (string Name, long Token)> _byOwner = new();

        public long LastToken => _byOwner.IsEmpty ? 0 : _byOwner.Values.Max(g => g.Token);

        public void Add(string name, LockHandle handle) => _byOwner[handle.Owner] = (name, handle.FencingToken);

        /// <summary>The name of the job a handle owner belongs to (each handle has its own owner), once it got in.</summary>
        public string NameOf(IActorRef owner) => _byOwner.TryGetValue(owner, out var g) ? g.Name : owner.Path.Name;

        public IReadOnlyList<string> Order() => OrderAfter(0);

        public IReadOnlyList<string> OrderAfter(long token) =>
            _byOwner.Values.Where(g => g.Token > token).OrderBy(g => g.Token).Select(g => g.Name).ToArray();
    }
}
