using System.Diagnostics;

namespace LockActors.Benchmarks;

/// <summary>How hard to measure: quick mode for day-to-day use, full mode for the numbers we publish.</summary>
internal sealed record BenchConfig(bool Quick, int Warmups, int Repetitions, double SecondsPerRepetition, string? Filter)
{
    public static BenchConfig Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        string? filter = null;
        var i = Array.IndexOf(args, "--filter");
        if (i >= 0 && i + 1 < args.Length)
        {
            filter = args[i + 1];
        }

        return quick
            ? new BenchConfig(true, Warmups: 1, Repetitions: 3, SecondsPerRepetition: 0.4, filter)
            : new BenchConfig(false, Warmups: 2, Repetitions: 7, SecondsPerRepetition: 1.5, filter);
    }

    public bool Selected(string id) =>
        Filter is null || Filter.Split(',').Any(f => id.Contains(f.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>One measured number: the median of the repetitions, their spread, and allocations per operation.</summary>
internal sealed record Result(string Id, string What, double Median, double Min, double Max, string Unit, double? BytesPerOp)
{
    /// <summary>Per-repetition values, in repetition order; set for workloads measured interleaved with others.</summary>
    public double[]? Samples { get; init; }

    /// <summary>Name of the interleaved group this result was measured in (repetition i of each ran back to back).</summary>
    public string? Group { get; init; }

    public override string ToString()
    {
        var alloc = BytesPerOp is { } b ? $"  alloc {b,8:N0} B/op" : "";
        return $"{Id,-28} {Format(Median),12} {Unit,-10} (min {Format(Min)}, max {Format(Max)}){alloc}   {What}";
    }

    public static string Format(double v) => v switch
    {
        >= 100 => v.ToString("N0"),
        >= 10 => v.ToString("N1"),
        _ => v.ToString("N2"),
    };
}

/// <summary>A workload for <see cref="Harness.InterleavedAsync"/>: <see cref="Run"/> performs the given number of operations (a multiple of <see cref="Multiple"/>).</summary>
internal sealed record Workload(string Id, string What, string Unit, int InitialOps, Func<int, Task> Run, int Multiple = 1);

internal static class Harness
{
    public static readonly List<Result> Results = new();

    /// <summary>
    /// Throughput of <paramref name="run"/>, which performs the given number of operations.
    /// Warm-up runs also calibrate the operation count so one repetition lasts about
    /// <see cref="BenchConfig.SecondsPerRepetition"/>. Allocations are whole-process
    /// (<see cref="GC.GetTotalAllocatedBytes(bool)"/> deltas), so they include the actor system's own.
    /// </summary>
    public static async Task<Result> ThroughputAsync(
        BenchConfig cfg, string id, string what, int initialOps, Func<int, Task> run, string unit = "ops/s", int opsMultiple = 1)
    {
        var ops = RoundUp(initialOps, opsMultiple);
        for (var w = 0; w < Math.Max(1, cfg.Warmups); w++)
        {
            var sw = Stopwatch.StartNew();
            await run(ops);
            var seconds = sw.Elapsed.TotalSeconds;
            ops = Rescaled(ops, seconds, cfg.SecondsPerRepetition, opsMultiple);
        }

        var rates = new List<double>();
        var allocs = new List<double>();
        for (var r = 0; r < cfg.Repetitions; r++)
        {
            var before = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            await run(ops);
            var elapsed = sw.Elapsed.TotalSeconds;
            var after = GC.GetTotalAllocatedBytes(true);
            rates.Add(ops / elapsed);
            allocs.Add((after - before) / (double)ops);
        }

        return Add(new Result(id, what, Median(rates), rates.Min(), rates.Max(), unit, Median(allocs)));
    }

    /// <summary>
    /// Throughput of several workloads measured side by side: each is warmed up and calibrated, then
    /// repetition i of every workload runs back to back before repetition i+1, so a burst of noise
    /// from other processes hits them alike and per-repetition ratios stay meaningful.
    /// </summary>
    /// <remarks>
    /// When the filter selects any workload of the group that is not a baseline, the group's baselines
    /// (ids starting with <c>base.</c>) run too, so <c>--filter a.</c> gives every ratio of group a.
    /// </remarks>
    public static async Task InterleavedAsync(BenchConfig cfg, string group, params Workload[] workloads)
    {
        static bool IsBaseline(Workload w) => w.Id.StartsWith("base.", StringComparison.Ordinal);
        var withBaselines = workloads.Any(w => !IsBaseline(w) && cfg.Selected(w.Id));
        workloads = workloads.Where(w => cfg.Selected(w.Id) || (withBaselines && IsBaseline(w))).ToArray();
        if (workloads.Length == 0)
        {
            return;
        }

        var ops = new int[workloads.Length];
        for (var i = 0; i < workloads.Length; i++)
        {
            var w = workloads[i];
            ops[i] = RoundUp(w.InitialOps, w.Multiple);
            for (var k = 0; k < Math.Max(1, cfg.Warmups); k++)
            {
                var sw = Stopwatch.StartNew();
                await w.Run(ops[i]);
                ops[i] = Rescaled(ops[i], sw.Elapsed.TotalSeconds, cfg.SecondsPerRepetition, w.Multiple);
            }
        }

        var rates = workloads.Select(_ => new List<double>()).ToArray();
        var allocs = workloads.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < cfg.Repetitions; r++)
        {
            for (var i = 0; i < workloads.Length; i++)
            {
                var before = GC.GetTotalAllocatedBytes(true);
                var sw = Stopwatch.StartNew();
                await workloads[i].Run(ops[i]);
                var elapsed = sw.Elapsed.TotalSeconds;
                var after = GC.GetTotalAllocatedBytes(true);
                rates[i].Add(ops[i] / elapsed);
                allocs[i].Add((after - before) / (double)ops[i]);
            }
        }

        for (var i = 0; i < workloads.Length; i++)
        {
            var w = workloads[i];
            Add(new Result(w.Id, w.What, Median(rates[i]), rates[i].Min(), rates[i].Max(), w.Unit, Median(allocs[i]))
            {
                Samples = rates[i].ToArray(),
                Group = group,
            });
        }
    }

    /// <summary>
    /// The ratio of <paramref name="target"/>'s rate to <paramref name="factor"/> × <paramref name="baseline"/>'s,
    /// measured in many short slices that alternate A B, B A, A B… so the two sides of each ratio
    /// ran within a fraction of a second of each other. The median of the per-pair ratios is
    /// reported (min and max beside it).
    /// </summary>
    /// <remarks>
    /// On a shared 2-core VM the thread pool moves between a fast state (a hop to another thread
    /// costs about 0.1 µs) and a slow one (several times that) for seconds at a time, and an
    /// interleaved round runs its workloads 1.5 s each, one after the other: the two sides of a
    /// ratio often ran in different states. Short alternating slices put both sides in the same one.
    /// </remarks>
    public static async Task<Result> PairedAsync(BenchConfig cfg, string id, string what, Workload target, Workload baseline, double factor)
    {
        var slice = cfg.Quick ? 0.05 : 0.1;
        var pairs = cfg.Quick ? 15 : 61;
        var ops = new[] { RoundUp(target.InitialOps, target.Multiple), RoundUp(baseline.InitialOps, baseline.Multiple) };
        var sides = new[] { target, baseline };
        for (var k = 0; k < Math.Max(1, cfg.Warmups) * 3; k++)
        {
            for (var i = 0; i < 2; i++)
            {
                var sw = Stopwatch.StartNew();
                await sides[i].Run(ops[i]);
                ops[i] = Rescaled(ops[i], sw.Elapsed.TotalSeconds, slice, sides[i].Multiple);
            }
        }

        var ratios = new List<double>();
        var rate = new double[2];
        for (var p = 0; p < pairs; p++)
        {
            foreach (var i in p % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
            {
                var sw = Stopwatch.StartNew();
                await sides[i].Run(ops[i]);
                rate[i] = ops[i] / sw.Elapsed.TotalSeconds;
            }

            ratios.Add(rate[0] / (factor * rate[1]));
        }

        return Add(new Result(id, what, Median(ratios), ratios.Min(), ratios.Max(), "×", null) { Samples = ratios.ToArray() });
    }

    /// <summary>The operation count that makes a run of <paramref name="ops"/>, which took <paramref name="seconds"/>, last <paramref name="targetSeconds"/>.</summary>
    private static int Rescaled(int ops, double seconds, double targetSeconds, int multiple) =>
        RoundUp((int)Math.Clamp(ops * (targetSeconds / Math.Max(seconds, 1e-4)), multiple, 50_000_000), multiple);

    /// <summary>Cost per operation in nanoseconds (median of repetitions) of a synchronous loop.</summary>
    public static Result NanosPerOp(BenchConfig cfg, string id, string what, int ops, Action<int> run)
    {
        for (var w = 0; w < Math.Max(1, cfg.Warmups); w++)
        {
            run(ops);
        }

        var ns = new List<double>();
        var allocs = new List<double>();
        for (var r = 0; r < cfg.Repetitions; r++)
        {
            var before = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            run(ops);
            var elapsed = sw.Elapsed.TotalNanoseconds;
            var after = GC.GetTotalAllocatedBytes(true);
            ns.Add(elapsed / ops);
            allocs.Add((after - before) / (double)ops);
        }

        return Add(new Result(id, what, Median(ns), ns.Min(), ns.Max(), "ns/op", Median(allocs)));
    }

    /// <summary>A measurement made by the scenario itself, repeated; the median is reported.</summary>
    public static async Task<Result> RepeatAsync(BenchConfig cfg, string id, string what, string unit, int warmups, int reps, Func<Task<double>> once)
    {
        for (var w = 0; w < warmups; w++)
        {
            await once();
        }

        var values = new List<double>();
        for (var r = 0; r < reps; r++)
        {
            values.Add(await once());
        }

        return Add(new Result(id, what, Median(values), values.Min(), values.Max(), unit, null));
    }

    public static Result Add(Result result)
    {
        Results.Add(result);
        Console.WriteLine(result);
        return result;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Collects garbage fully (twice, with finalizers in between) and returns the heap size.</summary>
    public static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int RoundUp(int value, int multiple) => Math.Max(multiple, (value + multiple - 1) / multiple * multiple);
}
