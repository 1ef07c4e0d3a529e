using LockActors.Samples;
using LockActors.Pool;

// A connection pool guarded by a semaphore key: three connections, jobs that take one or two,
// a VIP job that skips the queue, and an actor whose permit returns to the pool when it stops.
// See ConnectionPool for the pool and PoolDemo for the story.
// Run it with: dotnet run --project samples/LockActors.Pool
// The exit code is 0 only if no more than three connections were ever out, jobs were served in
// turn, the VIP was served next after it arrived, and the stopped actor's permit passed on.

await using var host = await SampleHost.StartAsync("lock-actors-pool", args);
var report = await PoolDemo.RunAsync(host.System, host.Locks, Console.Out);

Console.WriteLine(report.Held
    ? $"{Environment.NewLine}At most {report.Load.PeakInUse} of {PoolDemo.Size} connections out, the VIP served first, the stopped actor's permit passed on."
    : $"{Environment.NewLine}FAILED: pool within capacity and in turn {report.Load.Held}, VIP first {report.Vip.Held}, "
      + $"permit passed on {report.CrashRelease.Held}.");
return report.Held ? 0 : 1;
