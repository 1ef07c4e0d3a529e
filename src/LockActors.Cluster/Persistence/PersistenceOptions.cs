namespace LockActors.Cluster.Persistence;

/// <summary>Where and how a <see cref="PersistentLockManager"/> keeps its table.</summary>
/// <param name="PersistenceId">The journal's id for the manager's events: one per lock manager (all its incarnations share it).</param>
/// <param name="JournalPluginId">The journal plugin's config path (<c>akka.persistence.journal.sql</c>, say); null for the default journal.</param>
/// <param name="SnapshotPluginId">The snapshot store plugin's config path; null for the default snapshot store.</param>
/// <param name="SnapshotEvery">Take a snapshot after this many events (at least 1); older events and snapshots are then deleted.</param>
internal sealed record PersistenceOptions(string PersistenceId, string? JournalPluginId, string? SnapshotPluginId, int SnapshotEvery)
{
    /// <summary>The default of <see cref="SnapshotEvery"/>.</summary>
    public const int DefaultSnapshotEvery = 10_000;

    /// <summary>The first back-off of the supervisor of <see cref="PersistentLockManager.SupervisedProps"/> after the manager stopped.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest back-off of that supervisor (it doubles from <see cref="MinBackoff"/> on repeated failures).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Options with the default plugins and snapshot interval.</summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <returns>The options.</returns>
    public static PersistenceOptions For(string persistenceId) => new(persistenceId, null, null, DefaultSnapshotEvery);

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">The persistence id is empty, the snapshot interval below 1, or a back-off not positive or out of order.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(PersistenceId))
        {
            throw new ArgumentException($"PersistenceId must name the lock manager's journal, not be '{PersistenceId}'.", nameof(PersistenceId));
        }

        if (SnapshotEvery < 1)
        {
            throw new ArgumentException($"SnapshotEvery must be at least 1, not {SnapshotEvery}.", nameof(SnapshotEvery));
        }

        if (MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff)
        {
            throw new ArgumentException($"The back-off must be positive and MaxBackoff ({MaxBackoff}) at least MinBackoff ({MinBackoff}).", nameof(MinBackoff));
        }
    }
}
