using LockActors.ClusterSample;

// Three cluster nodes in one process share one lock manager, a cluster singleton whose table is
// kept in a SQLite journal file. An owner's node crashes: a waiter on another node gets the key
// with a larger fencing token. Then the manager's own node crashes: the manager restarts on the
// next oldest node from the journal, and a holder on another node keeps its lock and token.
// See SampleNode for the wiring and ClusterDemo for the story.
// Run it with: dotnet run --project samples/LockActors.ClusterSample
// The exit code is 0 only if both claims held.

var report = await ClusterDemo.RunAsync(Console.Out);

Console.WriteLine(report.Held
    ? $"{Environment.NewLine}Both claims held: an owner's crash freed its key in {report.OwnerCrash.FreedAfter.TotalSeconds:F1} s, "
      + $"the manager failed over in {report.ManagerCrash.FailoverAfter.TotalSeconds:F1} s with the holder's lock intact."
    : $"{Environment.NewLine}FAILED: owner crash {report.OwnerCrash.Held}, manager crash {report.ManagerCrash.Held}.");
return report.Held ? 0 : 1;
