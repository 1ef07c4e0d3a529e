namespace LockActors.Diagnostics;

/// <summary>The counts a manager's gauges read: implemented by its state (the lock table).</summary>
internal interface ILockGaugeSource
{
    /// <summary>Keys held or waited for.</summary>
    int KeysInUse { get; }

    /// <summary>Waits queued.</summary>
    int WaitsQueued { get; }

    /// <summary>Owners watched.</summary>
    int OwnersWatched { get; }
}
