namespace LockActors.Jobs;

/// <summary>Figures of the busy run: readers and writers hammering one store.</summary>
/// <param name="Reads">Reads done.</param>
/// <param name="Writes">Writes done (creates and updates).</param>
/// <param name="PeakReaders">The most readers inside at once; above 1 means reads overlapped.</param>
/// <param name="ReadsDuringWrite">Times a reader and a writer were inside together; must be 0.</param>
/// <param name="OverlappingWrites">Times two writers were inside together; must be 0.</param>
/// <param name="ReadsSentWhileAWriteWasPending">Reads that started while a write was sent and not finished: each had to wait for that write.</param>
/// <param name="StaleReads">Lists that missed a write sent before the list was: a reader that overtook a waiting writer. Must be 0.</param>
/// <param name="JobsAtEnd">Jobs in the store at the end.</param>
/// <param name="JobsDone">Of those, jobs whose last update (Done) was applied.</param>
/// <param name="FinalVersion">Writes the store applied, by its own count.</param>
/// <param name="Elapsed">How long the run took.</param>
public sealed record LoadReport(
    int Reads,
    int Writes,
    int PeakReaders,
    int ReadsDuringWrite,
    int OverlappingWrites,
    int ReadsSentWhileAWriteWasPending,
    int StaleReads,
    int JobsAtEnd,
    int JobsDone,
    long FinalVersion,
    TimeSpan Elapsed)
{
    /// <summary>True when reads overlapped, nothing overlapped a write, no reader overtook a writer, and no write was lost.</summary>
    public bool Held =>
        PeakReaders > 1 && ReadsDuringWrite == 0 && OverlappingWrites == 0 && StaleReads == 0
        && FinalVersion == Writes && JobsDone == JobsAtEnd;
}

/// <summary>What the step-by-step run saw: an export reading, a writer waiting, a reader arriving after the writer.</summary>
/// <param name="ReaderJoinedTheExport">A list sent while only the export held the key was served at once, alongside it.</param>
/// <param name="Status">The key's state once the writer and the later reader were both in line.</param>
/// <param name="LaterReaderQueuedBehindWriter">The later reader waited behind the writer even though the key was held shared.</param>
/// <param name="LaterReaderSawTheWrite">The later reader's list included the writer's update: it ran after the write.</param>
public sealed record WriterFirstReport(bool ReaderJoinedTheExport, KeyStatus Status, bool LaterReaderQueuedBehindWriter, bool LaterReaderSawTheWrite)
{
    /// <summary>True when all three observations hold.</summary>
    public bool Held => ReaderJoinedTheExport && LaterReaderQueuedBehindWriter && LaterReaderSawTheWrite;
}

/// <summary>Both runs of the sample.</summary>
public sealed record JobStoreReport(LoadReport Load, WriterFirstReport WriterFirst)
{
    /// <summary>True when both runs showed what they demonstrate.</summary>
    public bool Held => Load.Held && WriterFirst.Held;
}

/// <summary>The sample's story, callable from the console program and from tests.</summary>
public static class JobStoreDemo
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Runs both parts and prints what they show.</summary>
    public static async Task<JobStoreReport> RunAsync(LockClient locks, TextWriter output)
    {
        var load = await RunLoadAsync(locks, output);
        var writerFirst = await RunWriterFirstAsync(locks, output);
        return new JobStoreReport(load, writerFirst);
    }

    /// <summary>
    /// 1. Many readers and a few writers at once: reads overlap, writes run alone, and a read
    /// never misses a write that was sent before it.
    /// </summary>
    public static async Task<LoadReport> RunLoadAsync(
        LockClient locks, TextWriter output, int readers = 8, int readsEach = 40, int writers = 2, int jobsPerWriter = 4)
    {
        Title(output, $"1. {readers} readers and {writers} writers share one job store");
        var occupancy = new Occupancy();
        var store = new JobStore(locks, latency: TimeSpan.FromMilliseconds(1), occupancy);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // writesSent counts writes whose request is already with the lock manager: LockClient sends
        // the request before the call returns its task. A read started later is queued behind every
        // one of them, so the list it returns must include them all (Version >= writesSent read
        // before the list was started); a list that misses one had overtaken a waiting writer.
        long writesSent = 0, writesFinished = 0;
        int reads = 0, readsWhileWritePending = 0, staleReads = 0;

        async Task Reader(int reader)
        {
            for (var i = 0; i < readsEach; i++)
            {
                var sentBefore = Interlocked.Read(ref writesSent);
                if (sentBefore > Interlocked.Read(ref writesFinished))
                {
                    Interlocked.Increment(ref readsWhileWritePending);
                }

                if (i % 4 == 3)
                {
                    await store.GetAsync(1 + (reader + i) % 4); // a look-up by id (maybe not created yet)
                }
                else if ((await store.ListAsync()).Version < sentBefore)
                {
                    Interlocked.Increment(ref staleReads);
                }

                Interlocked.Increment(ref reads);
            }
        }

        async Task Writer(int writer)
        {
            for (var j = 0; j < jobsPerWriter; j++)
            {
                // Each job is created, started and finished: three exclusive writes, spread out over the run.
                var job = await Write(() => store.CreateAsync($"report {writer}.{j}"));
                await Write(() => store.UpdateAsync(job.Id, JobStatus.Running));
                await Write(() => store.UpdateAsync(job.Id, JobStatus.Done));
            }
        }

        async Task<Job> Write(Func<Task<Job>> write)
        {
            await Task.Delay(2); // writers come and go between the reads
            var sent = write();
            Interlocked.Increment(ref writesSent);
            var job = await sent;
            Interlocked.Increment(ref writesFinished);
            return job;
        }

        await Task.WhenAll(
            Enumerable.Range(0, readers).Select(Reader)
                .Concat(Enumerable.Range(0, writers).Select(Writer)))
            .WaitAsync(Patience * 3);
        var final = await store.ListAsync();
        var report = new LoadReport(
            reads,
            (int)writesFinished,
            occupancy.PeakReaders,
            occupancy.ReadsDuringWrite,
            occupancy.OverlappingWrites,
            readsWhileWritePending,
            staleReads,
            final.Jobs.Count,
            final.Jobs.Count(j => j.Status == JobStatus.Done),
            final.Version,
            clock.Elapsed);

        Say(output, $"{report.Reads} reads and {report.Writes} writes in {report.Elapsed.TotalMilliseconds:N0} ms");
        Say(output, $"peak readers inside at once: {report.PeakReaders} (above 1: shared locks overlap)");
        Say(output, $"a reader inside with a writer: {report.ReadsDuringWrite}; two writers inside together: {report.OverlappingWrites}");
        Say(output, $"{report.ReadsSentWhileAWriteWasPending} reads started while a write was in line or running; "
                    + $"lists that missed a write sent before them: {report.StaleReads}"
                    + (report.StaleReads == 0 ? " (no reader overtook a waiting writer)" : " (readers overtook waiting writers!)"));
        Say(output, $"at the end: {report.JobsAtEnd} jobs, {report.JobsDone} of them done; the store counted {report.FinalVersion} writes of {report.Writes} made");
        return report;
    }

    /// <summary>
    /// 2. Step by step, with Inspect: readers share the key with a running export, but a reader
    /// that arrives after a waiting writer queues behind it (writers are not starved).
    /// </summary>
    public static async Task<WriterFirstReport> RunWriterFirstAsync(LockClient locks, TextWriter output)
    {
        Title(output, "2. A waiting writer is not overtaken by readers that come after it");
        var store = new JobStore(locks, latency: TimeSpan.Zero);
        var job = await store.CreateAsync("nightly backup");

        // A slow export holds the key shared until we let it finish.
        var exporting = NewSignal();
        var finishExport = NewSignal();
        var export = store.ExportAsync(async jobs =>
        {
            exporting.SetResult();
            await finishExport.Task;
        });
        await exporting.Task.WaitAsync(Patience);
        Say(output, "an export holds 'jobs' shared and is still writing its file");

        // Another reader is served at once: readers share the key.
        var joined = await store.ListAsync().WaitAsync(Patience) is { Jobs.Count: 1 };
        Say(output, $"a list request meanwhile is served at once, alongside the export: {joined}");

        // A writer must wait for the export; a reader arriving after it must wait for the writer,
        // though the key is held shared and the export would not mind another reader.
        var update = store.UpdateAsync(job.Id, JobStatus.Done);
        await WaitForQueueAsync(locks, JobStore.Key, 1);
        var laterRead = store.ListAsync();
        var status = await WaitForQueueAsync(locks, JobStore.Key, 2);
        Say(output, $"Inspect(\"jobs\"): holders [{string.Join(", ", status.Holders.Select(h => h.Mode))}], "
                    + $"queue [{string.Join(", ", status.Queue.Select(w => w.Mode))}]");
        var queuedBehind =
            status.Holders.Count == 1 && status.Holders[0].Mode == LockMode.Shared
            && status.Queue.Select(w => w.Mode).SequenceEqual([LockMode.Exclusive, LockMode.Shared]);
        Say(output, $"the update waits for the export, and the later list waits behind the update: {queuedBehind}");

        finishExport.SetResult();
        await Task.WhenAll(export, update).WaitAsync(Patience);
        var seen = (await laterRead.WaitAsync(Patience)).Jobs.Single(j => j.Id == job.Id).Status;
        var sawWrite = seen == JobStatus.Done;
        Say(output, $"export done -> the update ran -> the later list ran and saw job {job.Id} as {seen}: {sawWrite}");
        return new WriterFirstReport(joined, status, queuedBehind, sawWrite);
    }

    /// <summary>
    /// Asks the manager until <paramref name="key"/> has <paramref name="waits"/> waits in line, and
    /// returns its status then (or after <see cref="Patience"/>, whatever it is: the caller judges it).
    /// </summary>
    private static async Task<KeyStatus> WaitForQueueAsync(LockClient locks, object key, int waits)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await locks.InspectAsync(key);
            if (status.Queue.Count == waits || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Yield();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Title(TextWriter output, string text) => output.WriteLine($"{Environment.NewLine}== {text}");

    private static void Say(TextWriter output, string text) => output.WriteLine($"   {text}");
}
