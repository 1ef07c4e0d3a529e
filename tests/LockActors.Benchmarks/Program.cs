using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using LockActors.Benchmarks;

// Usage: dotnet run -c Release --project tests/LockActors.Benchmarks -- [--quick] [--filter <id part>] [--md <file>]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var cfg = BenchConfig.Parse(args);
var mdIndex = Array.IndexOf(args, "--md");
var mdPath = mdIndex >= 0 && mdIndex + 1 < args.Length ? args[mdIndex + 1] : null;

Console.WriteLine($"LockActors benchmarks, {(cfg.Quick ? "quick" : "full")} mode: {cfg.Warmups} warm-up(s), {cfg.Repetitions} repetitions of ~{cfg.SecondsPerRepetition} s; median (min, max)");
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, GC server={GCSettings.IsServerGC}, concurrent={GCSettings.LatencyMode}");
Console.WriteLine("Allocations are whole-process GC.GetTotalAllocatedBytes deltas divided by operations.");
Console.WriteLine();

var total = Stopwatch.StartNew();
var config = ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.stdout-loglevel = WARNING
    akka.log-dead-letters = off
    akka.log-dead-letters-during-shutdown = off
    """);
using (var system = ActorSystem.Create("bench", config))
{
    var actors = new ActorScenarios(cfg, system);
    await actors.BaselinesAsync();
    await actors.OneCallerAsync();
    await actors.IndependentKeysAsync();
    await actors.ContentionAsync();
    await actors.AwaitAllAsync();
    await actors.TimeoutsAsync();
    await actors.CrashReleaseAsync();
    await system.Terminate();
}

var tables = new TableScenarios(cfg);
tables.Sizes();
tables.Memory();
tables.TableSize();
tables.Timeouts();
tables.CrashRelease();

Console.WriteLine();
Console.WriteLine($"Total run time: {total.Elapsed.TotalSeconds:N1} s");
Console.WriteLine();
var summary = Summary.Build(Harness.Results);
Console.WriteLine(summary);
if (mdPath is not null)
{
    File.WriteAllText(mdPath, summary + $"\nTotal run time: {total.Elapsed.TotalSeconds:N1} s\n");
}

internal static class Summary
{
    public static string Build(List<Result> results)
    {
        var byId = results.ToDictionary(r => r.Id);
        var md = new StringBuilder();
        md.AppendLine("| scenario | result | baseline | ratio | target | met? |");
        md.AppendLine("|---|---|---|---|---|---|");

        void Row(string scenario, string resultId, Func<Result, double>? baseline, string baselineText, double? threshold, bool higherIsBetter, string target, double? ratioOverride = null)
        {
            if (!byId.TryGetValue(resultId, out var r))
            {
                return;
            }

            var result = $"{Result.Format(r.Median)} {r.Unit}";
            string ratio = "", met = "";
            if (ratioOverride is { } ro)
            {
                ratio = $"{ro:N2}";
                met = threshold is { } t ? (higherIsBetter ? ro >= t : ro <= t) ? "met" : "**not met**" : "";
            }
            else if (baseline is not null)
            {
                var b = baseline(r);
                if (double.IsNaN(b))
                {
                    return;
                }

                var x = r.Median / b;
                ratio = $"{x:N2}";
                met = threshold is { } t ? (higherIsBetter ? x >= t : x <= t) ? "met" : "**not met**" : "";
            }

            md.AppendLine($"| {scenario} | {result} | {baselineText} | {ratio} | {target} | {met} |");
        }

        double Get(string id) => byId.TryGetValue(id, out var r) ? r.Median : double.NaN;
        string Val(string id) => byId.TryGetValue(id, out var r) ? $"{Result.Format(r.Median)} {r.Unit}" : "n/a";
        string Per(double v, string unit) => double.IsNaN(v) ? "n/a" : $"{Result.Format(v)} {unit}";

        var askPair = Get("base.ask-echo") / 2;
        Row("a. LockClient LockAsync+ReleaseAsync, 1 caller", "a.client-lock", _ => askPair, $"two echo Asks: {Per(askPair, "pairs/s")}", 1.5, true, "≥ 1.5×");
        Row("a. LockClient AwaitAsync+ReleaseAsync, 1 caller", "a.client-await", _ => askPair, $"two echo Asks: {Per(askPair, "pairs/s")}", null, true, "(info)");
        Row("a. raw Ask TryLock+Release {Owner}, 1 caller", "a.raw-ask", _ => askPair, $"two echo Asks: {Per(askPair, "pairs/s")}", null, true, "(info)");

        var halfEcho64 = Get("base.tell-echo-64") / 2;
        Row("b. Tell protocol, 64 actors, own keys", "b.tell-64", _ => halfEcho64, $"½ × 64-to-1 Tell echo: {Per(halfEcho64, "trips/s")}", 0.6, true, "≥ 0.6×");
        var halfPair = Get("base.tell-pingpong-1") / 2;
        Row("b. Tell protocol, 1 actor", "b.tell-1", _ => halfPair, $"½ × Tell ping-pong pair: {Per(halfPair, "trips/s")}", 0.6, true, "≥ 0.6× (same rule, 1 actor)");
        Row("b. Tell, 64 actors, owner keeps a key (experiment)", "b.tell-64-anchored", _ => halfEcho64, $"½ × 64-to-1 Tell echo: {Per(halfEcho64, "trips/s")}", null, true, "(info)");
        Row("b. Tell protocol, 64 actors vs SemaphoreSlim 64 tasks", "b.tell-64", _ => Get("base.semaphore-64"), $"SemaphoreSlim: {Val("base.semaphore-64")}", null, true, "(floor)");

        foreach (var n in new[] { 2, 8, 64 })
        {
            Row($"c. {n} contenders, one key", $"c.contended-{n}", _ => Get($"c.uncontended-{n}"), $"{n} actors on own keys: {Val($"c.uncontended-{n}")}", 0.8, true, "≥ 0.8×");
        }

        Row("d. 64 callers, AwaitAll 4 of 100 keys", "d.awaitall-4of100", _ => Get("d.await-1of100"), $"Await 1 of 100: {Val("d.await-1of100")}", 0.5, true, "≥ 0.5×");

        Row("e. memory per held key (keys included)", "e.bytes-per-held-key", _ => 100, "100 B", 1.0, false, "≤ 100 B");
        Row("e. memory per waiter (key included)", "e.bytes-per-waiter", _ => 200, "200 B", 1.0, false, "≤ 200 B");

        Row("f. table op with 1M keys held", "f.table-1M", _ => Get("f.table-1k"), $"1k keys held: {Val("f.table-1k")}", 1.3, false, "≤ 1.3×");
        Row("f. table op with 100k keys held", "f.table-100k", _ => Get("f.table-1k"), $"1k keys held: {Val("f.table-1k")}", 1.3, false, "≤ 1.3×");

        Row("g. 100k timed waits enqueued, actor", "g.actor-enqueue", _ => Get("base.tell-echo-64"), $"64-to-1 Tell echo: {Val("base.tell-echo-64")}", null, true, "(info)");
        Row("g. lag after the last deadline, actor", "g.actor-expire-lag", null, "", null, true, "(info)");
        Row("g. 100k Await enqueued, table", "g.table-enqueue", null, "", null, true, "(info)");
        Row("g. 100k time-outs expired, table", "g.table-expire", null, "", null, true, "(info)");
        Row("h. crash: 10k owners × 10 keys, re-granted, actor", "h.actor-crash-regrant", null, "", null, true, "(info)");
        Row("h. crash, re-granted, table", "h.table-crash-regrant", null, "", null, true, "(info)");
        Row("h. crash, freed (no waiters), table", "h.table-crash-free", null, "", null, true, "(info)");

        md.AppendLine();
        md.AppendLine("Allocations (whole process, bytes per operation):");
        md.AppendLine();
        md.AppendLine("| scenario | B/op |");
        md.AppendLine("|---|---|");
        foreach (var r in results.Where(r => r.BytesPerOp is not null))
        {
            md.AppendLine($"| {r.Id} | {r.BytesPerOp:N0} |");
        }

        md.AppendLine();
        md.AppendLine("All results:");
        md.AppendLine();
        md.AppendLine("| id | median | min | max | unit | what |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            md.AppendLine($"| {r.Id} | {Result.Format(r.Median)} | {Result.Format(r.Min)} | {Result.Format(r.Max)} | {r.Unit} | {r.What} |");
        }

        return md.ToString();
    }
}
