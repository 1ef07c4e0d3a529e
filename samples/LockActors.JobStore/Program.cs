using LockActors;
using LockActors.Jobs;
using LockActors.Samples;

// A read-heavy job store guarded like Go's sync.RWMutex: reads take the key "jobs" shared,
// writes take it exclusively. See JobStore for the store and JobStoreDemo for the story.
// Run it with: dotnet run --project samples/LockActors.JobStore
// The exit code is 0 only if reads overlapped, no read or write overlapped a write, and no
// reader overtook a waiting writer.

await using var host = await SampleHost.StartAsync("lock-actors-jobstore", args);
var report = await JobStoreDemo.RunAsync(new LockClient(host.Locks), Console.Out);

Console.WriteLine(report.Held
    ? $"{Environment.NewLine}Reads overlapped (peak {report.Load.PeakReaders}), writes ran alone, and no reader overtook a waiting writer."
    : $"{Environment.NewLine}FAILED: busy run {report.Load}; writer first {report.WriterFirst.Held}.");
return report.Held ? 0 : 1;
