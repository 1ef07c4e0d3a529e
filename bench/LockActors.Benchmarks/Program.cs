using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using LockActors.Benchmarks;

// Usage: dotnet run -c Release --project bench/LockActors.Benchmarks -- [--quick] [--filter <id part>] [--md <file>] [--in-process]
//
// Each group of scenarios runs in a process of its own (this program, started again with --group), as
// BenchmarkDotNet runs each benchmark: the JIT compiles the lock manager's hot paths with profile data
// from the first workload that drives them, so in one shared process a group measured after another
// runs code tuned for the earlier group's workload (BENCHMARKS.md shows what that did to the contended
// hand-offs). The workloads within a group, and so a ratio's two sides, still share one process.
// --in-process runs every group in this one. --group <name> (with --results <file> for the JSON) is
// how the program starts itself for one group; run by hand it prints that group's results only.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var cfg = BenchConfig.Parse(args);
var mdPath = ArgAfter("--md");
var group = ArgAfter("--group");
var resultsPath = ArgAfter("--results");
if (group is not null && !Groups.Names.Contains(group))
{
    Console.Error.WriteLine($"Unknown benchmark group '{group}'; the groups are: {string.Join(", ", Groups.Names)}.");
    return 2;
}

var total = Stopwatch.StartNew();
if (group is null)
{
    Console.WriteLine($"LockActors benchmarks, {(cfg.Quick ? "quick" : "full")} mode: {cfg.Warmups} warm-up(s), {cfg.Repetitions} repetitions of ~{cfg.SecondsPerRepetition} s; median (min, max)");
    Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, GC server={GCSettings.IsServerGC}, concurrent={GCSettings.LatencyMode}");
    Console.WriteLine("Allocations are whole-process GC.GetTotalAllocatedBytes deltas divided by operations.");
    Console.WriteLine(args.Contains("--in-process") ? "Every group in this process." : "Each group in a process of its own.");
    Console.WriteLine();
}

if (group is not null || args.Contains("--in-process"))
{
    await Groups.RunAsync(cfg, group is null ? Groups.Names : [group]);
}
else
{
    foreach (var name in Groups.Names)
    {
        Harness.Results.AddRange(await Groups.RunInChildAsync(cfg, name));
    }
}

if (group is not null)
{
    // A group's own process hands its results back to the process that started it.
    if (resultsPath is not null)
    {
        await File.WriteAllTextAsync(resultsPath, JsonSerializer.Serialize(Harness.Results));
    }

    return 0;
}

Console.WriteLine();
Console.WriteLine($"Total run time: {total.Elapsed.TotalSeconds:N1} s");
Console.WriteLine();
var summary = Summary.Build(Harness.Results);
Console.WriteLine(summary);
if (mdPath is not null)
{
    File.WriteAllText(mdPath, summary + $"\nTotal run time: {total.Elapsed.TotalSeconds:N1} s\n");
}

return 0;

string? ArgAfter(string flag)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>
/// The groups of scenarios, in the order they run; each is measured in a process of its own. Group c
/// is three, one per number of contenders, as BenchmarkDotNet runs each parameter value apart.
/// </summary>
internal static class Groups
{
    private static readonly (string Name, Func<ActorScenarios, Task> Run)[] ActorGroups =
    [
        ("one-caller", a => a.OneCallerAsync()),
        ("independent-keys", a => a.IndependentKeysAsync()),
        ("contention-2", a => a.ContentionAsync(2)),
        ("contention-8", a => a.ContentionAsync(8)),
        ("contention-64", a => a.ContentionAsync(64)),
        ("await-all", a => a.AwaitAllAsync()),
        ("timeouts", a => a.TimeoutsAsync()),
        ("crash-release", a => a.CrashReleaseAsync()),
    ];

    private static readonly (string Name, Action<TableScenarios> Run)[] TableGroups =
    [
        ("table-sizes", t => t.Sizes()),
        ("table-memory", t => t.Memory()),
        ("table-size", t => t.TableSize()),
        ("table-timeouts", t => t.Timeouts()),
        ("table-crash-release", t => t.CrashRelease()),
    ];

    /// <summary>The group that runs in-process clusters of its own (group i).</summary>
    private const string ClusterGroup = "cluster";

    public static readonly string[] Names = [.. ActorGroups.Select(g => g.Name), .. TableGroups.Select(g => g.Name), ClusterGroup];

    /// <summary>Runs the named groups in this process, adding to <see cref="Harness.Results"/>.</summary>
    public static async Task RunAsync(BenchConfig cfg, IReadOnlyCollection<string> names)
    {
        var actorGroups = ActorGroups.Where(g => names.Contains(g.Name)).ToArray();
        if (actorGroups.Length > 0)
        {
            var config = ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.stdout-loglevel = WARNING
                akka.log-dead-letters = off
                akka.log-dead-letters-during-shutdown = off
                """);
            using var system = ActorSystem.Create("bench", config);
            var actors = new ActorScenarios(cfg, system);
            foreach (var (_, run) in actorGroups)
            {
                await run(actors);
            }

            await system.Terminate();
        }

        var tables = new TableScenarios(cfg);
        foreach (var (_, run) in TableGroups.Where(g => names.Contains(g.Name)))
        {
            run(tables);
        }

        if (names.Contains(ClusterGroup))
        {
            await ClusterScenarios.RunAsync(cfg);
        }
    }

    /// <summary>Runs one group in a new process of this program and returns its results.</summary>
    public static async Task<List<Result>> RunInChildAsync(BenchConfig cfg, string name)
    {
        var resultsFile = Path.GetTempFileName();
        try
        {
            var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program to start for a benchmark group.");
            var start = new ProcessStartInfo(host) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                // Run as "dotnet LockActors.Benchmarks.dll": start the same way.
                start.ArgumentList.Add(typeof(Groups).Assembly.Location);
            }

            if (cfg.Quick)
            {
                start.ArgumentList.Add("--quick");
            }

            if (cfg.Filter is { } filter)
            {
                start.ArgumentList.Add("--filter");
                start.ArgumentList.Add(filter);
            }

            foreach (var arg in new[] { "--group", name, "--results", resultsFile })
            {
                start.ArgumentList.Add(arg);
            }

            using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the process for benchmark group {name}.");
            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"Benchmark group {name} failed: its process exited with code {child.ExitCode}.");
            }

            return JsonSerializer.Deserialize<List<Result>>(await File.ReadAllTextAsync(resultsFile))
                ?? throw new InvalidOperationException($"Benchmark group {name} returned no results.");
        }
        finally
        {
            File.Delete(resultsFile);
        }
    }
}

internal static class Summary
{
    /// <summary>
    /// Ratio of a result to factor × its baseline: the median of per-repetition ratios when both were
    /// measured interleaved in the same group, else the ratio of medians.
    /// </summary>
    public static double Ratio(Result r, Result b, double factor)
    {
        if (r.Group is not null && r.Group == b.Group && r.Samples is { } xs && b.Samples is { } bs && xs.Length == bs.Length)
        {
            return Harness.Median(xs.Zip(bs, (x, y) => x / (factor * y)).ToList());
        }

        return r.Median / (factor * b.Median);
    }

    public static string Build(List<Result> results)
    {
        var byId = results.ToDictionary(r => r.Id);
        var md = new StringBuilder();
        md.AppendLine("| scenario | result | baseline | ratio | target | met? |");
        md.AppendLine("|---|---|---|---|---|---|");

        void Row(string scenario, string id, string? baselineId, double factor, string baselineText, double? threshold, bool higherIsBetter, string target)
        {
            if (!byId.TryGetValue(id, out var r))
            {
                return;
            }

            string ratio = "", met = "", baseline = baselineText;
            double? x = null;
            if (baselineId is not null && byId.TryGetValue(baselineId, out var b))
            {
                x = Ratio(r, b, factor);
                var unit = factor == 1 ? b.Unit : "/s";
                baseline = $"{baselineText}{Result.Format(factor * b.Median)} {unit}";
            }
            else if (baselineId is null && factor > 0 && threshold is not null)
            {
                x = r.Median / factor;
            }

            if (x is { } v)
            {
                ratio = $"{v:N2}";
                if (threshold is { } t)
                {
                    met = (higherIsBetter ? v >= t : v <= t) ? "met" : "**not met**";
                }
            }

            md.AppendLine($"| {scenario} | {Result.Format(r.Median)} {r.Unit} | {baseline} | {ratio} | {target} | {met} |");
        }

        Row("a. LockClient LockAsync+ReleaseAsync, 1 caller", "a.client-lock", "base.ask-echo", 0.5, "½ × echo Ask rate: ", 1.5, true, "≥ 1.5×");
        Row("a. the same in alternating short slices (both sides in the same thread-pool state)", "a.client-lock-paired", null, 1, "½ × echo Ask rate, slice by slice", 1.5, true, "≥ 1.5×");
        Row("a. manager floor in alternating short slices", "a.floor-manager-paired", null, 1, "½ × echo Ask rate, slice by slice", 1.5, true, "≥ 1.5× (else a is out of reach)");
        Row("a. floor: 2 round trips through a long-lived reply ref, 1 caller", "base.floor-2trips", "base.ask-echo", 0.5, "½ × echo Ask rate: ", 1.5, true, "≥ 1.5× (else a is out of reach)");
        Row("a. LockClient LockAsync+ReleaseAsync vs the floor", "a.client-lock", "base.floor-2trips", 1, "floor: ", null, true, "(info)");
        Row("a. floor against the manager: TryLock + Release through a long-lived reply ref", "a.floor-manager", "base.ask-echo", 0.5, "½ × echo Ask rate: ", 1.5, true, "≥ 1.5× (else a is out of reach)");
        Row("a. LockClient LockAsync+ReleaseAsync vs the manager floor", "a.client-lock", "a.floor-manager", 1, "manager floor: ", null, true, "(info)");
        Row("a. the same with a new owner per cycle (each lock a new owner)", "a.floor-manager-fresh", "base.ask-echo", 0.5, "½ × echo Ask rate: ", null, true, "(info)");
        Row("a. LockClient LockAsync+ReleaseAsync vs that floor (LockClient reuses an ended lock's owner)", "a.client-lock", "a.floor-manager-fresh", 1, "fresh-owner floor: ", null, true, "(info)");
        Row("a. floor, caller resumed inline on the actor's thread (not allowed)", "base.floor-2trips-inline", "base.ask-echo", 0.5, "½ × echo Ask rate: ", null, true, "(info)");
        Row("a. LockClient TryLockAsync+ReleaseAsync, 1 caller", "a.client-trylock", "base.ask-echo", 0.5, "½ × echo Ask rate: ", null, true, "(info)");
        Row("a. the same in alternating short slices", "a.client-trylock-paired", null, 1, "½ × echo Ask rate, slice by slice", null, true, "(info)");
        Row("a. raw Ask TryLock+Release {Owner}, 1 caller", "a.raw-ask", "base.ask-echo", 0.5, "½ × echo Ask rate: ", null, true, "(info)");
        Row("a. LockClient vs SemaphoreSlim, 1 caller", "a.client-lock", "base.semaphore-1", 1, "SemaphoreSlim: ", null, true, "(floor)");

        Row("b. Tell protocol, 64 actors, own keys", "b.tell-64", "base.tell-echo-64", 0.5, "½ × 64-to-1 Tell echo: ", 0.6, true, "≥ 0.6×");
        Row("b. Tell protocol, 1 actor", "b.tell-1", "base.tell-pingpong-1", 0.5, "½ × Tell ping-pong pair: ", 0.6, true, "≥ 0.6× (same rule)");
        Row("b. experiment: 64 actors, each keeps one key held", "b.tell-64-anchored", "base.tell-echo-64", 0.5, "½ × 64-to-1 Tell echo: ", null, true, "(info)");
        Row("b. Tell protocol, 64 actors vs SemaphoreSlim, 64 tasks", "b.tell-64", "base.semaphore-64", 1, "SemaphoreSlim: ", null, true, "(floor)");

        foreach (var n in new[] { 2, 8, 64 })
        {
            Row($"c. {n} contenders, one key", $"c.contended-{n}", $"c.uncontended-{n}", 1, $"{n} actors on own keys: ", 0.8, true, "≥ 0.8×");
            Row($"c. {n} contenders, in alternating short slices", $"c.contended-{n}-paired", null, 1, $"{n} actors on own keys, slice by slice", 0.8, true, "≥ 0.8×");
            Row($"c. {n}: the hand-off floor (an actor that only queues and hands over) ÷ uncontended", $"c.floor-handoff-{n}", $"c.uncontended-{n}", 1, $"{n} actors on own keys: ", 0.8, true, "≥ 0.8× (else c is out of reach at this uncontended rate)");
            Row($"c. {n}: contended ÷ the hand-off floor", $"c.contended-{n}", $"c.floor-handoff-{n}", 1, "hand-off floor: ", null, true, "(info)");
            Row($"c. {n} actors on own keys vs Tell echo", $"c.uncontended-{n}", $"c.base-tell-echo-{n}", 0.5, $"½ × {n}-to-1 Tell echo: ", null, true, "(info)");
        }

        Row("c. 64: the hand-off floor ÷ uncontended, in alternating short slices", "c.floor-handoff-64-paired", null, 1, "64 actors on own keys, slice by slice", 0.8, true, "≥ 0.8× (else c-64 is out of reach at this uncontended rate)");

        Row("d. 64 callers, AwaitAll 4 of 100 keys", "d.awaitall-4of100", "d.await-1of100", 1, "Await 1 of 100: ", 0.5, true, "≥ 0.5×");

        Row("e. memory per held key (keys included)", "e.bytes-per-held-key", null, 100, "100 B", 1.0, false, "≤ 100 B");
        Row("e. floor: BCL Dictionary + key alone, per key", "e.floor-dictionary-per-key", null, 100, "100 B", 1.0, false, "≤ 100 B (else e per key is out of reach)");
        Row("e. floor: BCL Dictionary + key + holder and token inline, per key", "e.floor-dictionary-holder-token-per-key", null, 100, "100 B", 1.0, false, "≤ 100 B (else even a holder and a token per key miss e)");
        Row("e. floor: the least state with O(1) release and crash release (holder, token, owner's key-list links) inline, tightest BCL growth", "e.floor-least-state-per-key", null, 100, "100 B", 1.0, false, "≤ 100 B (else e per key is out of reach)");
        Row("e. memory per waiter (key included)", "e.bytes-per-waiter", null, 200, "200 B", 1.0, false, "≤ 200 B");
        Row("e. floor: BCL Dictionary + BCL heap entry alone, per waiter", "e.floor-per-waiter", null, 200, "200 B", 1.0, false, "≤ 200 B (else e per waiter is out of reach)");

        Row("f. table op with 1M keys held", "f.table-1M", "f.table-1k", 1, "1k keys held: ", 1.3, false, "≤ 1.3×");
        Row("f. table op with 100k keys held", "f.table-100k", "f.table-1k", 1, "1k keys held: ", 1.3, false, "≤ 1.3×");
        Row("f. the same, one table alone on the heap, 1M keys", "f.alone-1M", "f.alone-1k", 1, "1k keys alone: ", 1.3, false, "≤ 1.3×");
        Row("f. the same, one table alone on the heap, 100k keys", "f.alone-100k", "f.alone-1k", 1, "1k keys alone: ", 1.3, false, "≤ 1.3×");
        Row("f. floor: bare Dictionary add+find+remove, 1M keys", "f.floor-dictionary-1M", "f.floor-dictionary-1k", 1, "1k keys: ", null, false, "(floor)");
        Row("f. floor: bare Dictionary add+find+remove, 100k keys", "f.floor-dictionary-100k", "f.floor-dictionary-1k", 1, "1k keys: ", null, false, "(floor)");
        Row("f. floor: bare Dictionary + the replies a cycle must allocate, 1M keys", "f.floor-messages-1M", "f.floor-messages-1k", 1, "1k keys: ", 1.3, false, "≤ 1.3× (else f is out of reach)");
        Row("f. floor: bare Dictionary + the replies a cycle must allocate, 100k keys", "f.floor-messages-100k", "f.floor-messages-1k", 1, "1k keys: ", null, false, "(floor)");
        if (byId.TryGetValue("f.table-1k", out var small) && byId.TryGetValue("f.floor-messages-1k", out var floorSmall) &&
            byId.TryGetValue("f.floor-messages-1M", out var floorLarge))
        {
            // What 1M keys cost more even with no table work of its own, on top of this table's 1k cost.
            var extra = floorLarge.Median - floorSmall.Median;
            var best = 1 + extra / small.Median;
            md.AppendLine($"| f. best ratio reachable at this 1k cost: (1k op + what the floor pays more at 1M) ÷ 1k op | {Result.Format(small.Median + extra)} ns/op | 1k keys held: {Result.Format(small.Median)} ns/op | {best:N2} | ≤ 1.3× (else f is out of reach) | {(best <= 1.3 ? "met" : "**not met**")} |");
        }


        Row("i. cluster, 64 callers on another node, SQLite journal", "i.cluster-sqlite-64", null, 10_000, "10,000 cycles/s", 1.0, true, "≥ 10,000 cycles/s");
        Row("i. cluster, in-memory journal ÷ no persistence", "i.cluster-inmem-64", "i.cluster-plain-64", 1, "no persistence: ", 0.5, true, "≥ 0.5×");
        Row("i. cluster without persistence ÷ local manager", "i.cluster-plain-64", "i.local-64", 1, "local: ", null, true, "(info)");
        Row("i. cluster without persistence ÷ two remote echo Asks", "i.cluster-plain-64", "i.base-remote-echo-64", 1, "remote floor: ", null, true, "(info)");
        Row("i. cluster, SQLite journal ÷ no persistence", "i.cluster-sqlite-64", "i.cluster-plain-64", 1, "no persistence: ", null, true, "(info)");

        Row("g. 100k timed Awaits queued, actor", "g.actor-enqueue", null, 0, "", null, true, "(info)");
        Row("g. lag after the last deadline, actor", "g.actor-expire-lag", null, 0, "", null, true, "(info)");
        Row("g. 100k Awaits queued, table", "g.table-enqueue", null, 0, "", null, true, "(info)");
        Row("g. 100k time-outs expired, table", "g.table-expire", null, 0, "", null, true, "(info)");
        Row("h. crash: 10k owners × 10 keys, all re-granted, actor", "h.actor-crash-regrant", null, 0, "", null, true, "(info)");
        Row("h. crash, all re-granted, table", "h.table-crash-regrant", null, 0, "", null, true, "(info)");
        Row("h. crash, all freed (no waiters), table", "h.table-crash-free", null, 0, "", null, true, "(info)");

        md.AppendLine();
        md.AppendLine("All results (allocations: whole process, bytes per operation):");
        md.AppendLine();
        md.AppendLine("| id | median | min | max | unit | alloc B/op | what |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var alloc = r.BytesPerOp is { } bpo ? bpo.ToString("N0") : "";
            md.AppendLine($"| {r.Id} | {Result.Format(r.Median)} | {Result.Format(r.Min)} | {Result.Format(r.Max)} | {r.Unit} | {alloc} | {r.What} |");
        }

        md.AppendLine();
        md.AppendLine("Every repetition of the interleaved workloads, in the order run (repetition i of a group's workloads ran back to back):");
        md.AppendLine();
        md.AppendLine("| id | repetitions |");
        md.AppendLine("|---|---|");
        foreach (var r in results.Where(r => r.Samples is not null))
        {
            md.AppendLine($"| {r.Id} | {string.Join(" · ", r.Samples!.Select(Result.Format))} |");
        }

        return md.ToString();
    }
}
