using System.Collections.Frozen;

namespace LockActors.Serialization;

/// <summary>
/// The manifest of every type <see cref="LockProtocolSerializer"/> writes: a short name that stays
/// fixed when the type is renamed or moved, so bytes written by one version are read by the next.
/// A manifest is never reused for another type.
/// </summary>
internal static class WireManifests
{
    // requests
    public const string TryLock = "TL";
    public const string Await = "AW";
    public const string AwaitAll = "AA";
    public const string Release = "RL";
    public const string ReleaseKeys = "RK";
    public const string Goodbye = "GB";
    public const string GiveAway = "GA";
    public const string CancelAwait = "CA";
    public const string WhereIs = "WI";
    public const string SendToOwner = "SO";
    public const string GetMeta = "GM";
    public const string Inspect = "IN";

    // replies and notifications
    public const string LockAcquired = "LA";
    public const string LockBusy = "LB";
    public const string LockTimedOut = "LT";
    public const string LockRefused = "LR";
    public const string AwaitCancelled = "AC";
    public const string Released = "RD";
    public const string ReleaseFailed = "RF";
    public const string GoodbyeDone = "GD";
    public const string GaveAway = "GV";
    public const string LockTransferred = "TR";
    public const string KeyOwner = "KO";
    public const string NoOwner = "NO";
    public const string ManagerMeta = "MM";
    public const string LockLost = "LL";
    public const string KeyStatus = "KS";

    // the overview queries and their answers
    public const string ListLocks = "LQ";
    public const string LockList = "LP";
    public const string GetHotKeys = "HQ";
    public const string HotKeys = "HK";
    public const string GetWaitGraph = "WQ";
    public const string WaitGraph = "WG";

    // the records messages carry, also sent or stored on their own
    public const string LockGrant = "G";
    public const string LockOptions = "O";
    public const string LockHolder = "H";
    public const string LockWaiter = "W";

    // the lock table's events and snapshot, as a journal stores them
    public const string LockGranted = "EG";
    public const string LockReleased = "ER";
    public const string GrantGivenAway = "EA";
    public const string OwnerGone = "EO";
    public const string WaitQueued = "EQ";
    public const string WaitEnded = "EE";
    public const string LockTableSnapshot = "S";
    public const string LockEventBatch = "EB";

    /// <summary>Every type the serializer writes, with its manifest.</summary>
    public static FrozenDictionary<Type, string> ByType { get; } = new Dictionary<Type, string>
    {
        [typeof(LockActors.TryLock)] = TryLock,
        [typeof(LockActors.Await)] = Await,
        [typeof(LockActors.AwaitAll)] = AwaitAll,
        [typeof(LockActors.Release)] = Release,
        [typeof(LockActors.ReleaseKeys)] = ReleaseKeys,
        [typeof(LockActors.Goodbye)] = Goodbye,
        [typeof(LockActors.GiveAway)] = GiveAway,
        [typeof(LockActors.CancelAwait)] = CancelAwait,
        [typeof(LockActors.WhereIs)] = WhereIs,
        [typeof(LockActors.SendToOwner)] = SendToOwner,
        [typeof(LockActors.GetMeta)] = GetMeta,
        [typeof(LockActors.Inspect)] = Inspect,
        [typeof(LockActors.LockAcquired)] = LockAcquired,
        [typeof(LockActors.LockBusy)] = LockBusy,
        [typeof(LockActors.LockTimedOut)] = LockTimedOut,
        [typeof(LockActors.LockRefused)] = LockRefused,
        [typeof(LockActors.AwaitCancelled)] = AwaitCancelled,
        [typeof(LockActors.Released)] = Released,
        [typeof(LockActors.ReleaseFailed)] = ReleaseFailed,
        [typeof(LockActors.GoodbyeDone)] = GoodbyeDone,
        [typeof(LockActors.GaveAway)] = GaveAway,
        [typeof(LockActors.LockTransferred)] = LockTransferred,
        [typeof(LockActors.KeyOwner)] = KeyOwner,
        [typeof(LockActors.NoOwner)] = NoOwner,
        [typeof(LockActors.ManagerMeta)] = ManagerMeta,
        [typeof(LockActors.LockLost)] = LockLost,
        [typeof(LockActors.KeyStatus)] = KeyStatus,
        [typeof(LockActors.ListLocks)] = ListLocks,
        [typeof(LockActors.LockList)] = LockList,
        [typeof(LockActors.GetHotKeys)] = GetHotKeys,
        [typeof(LockActors.HotKeys)] = HotKeys,
        [typeof(LockActors.GetWaitGraph)] = GetWaitGraph,
        [typeof(LockActors.WaitGraph)] = WaitGraph,
        [typeof(LockActors.LockGrant)] = LockGrant,
        [typeof(LockActors.LockOptions)] = LockOptions,
        [typeof(LockActors.LockHolder)] = LockHolder,
        [typeof(LockActors.LockWaiter)] = LockWaiter,
        [typeof(Table.Events.LockGranted)] = LockGranted,
        [typeof(Table.Events.LockReleased)] = LockReleased,
        [typeof(Table.Events.GrantGivenAway)] = GrantGivenAway,
        [typeof(Table.Events.OwnerGone)] = OwnerGone,
        [typeof(Table.Events.WaitQueued)] = WaitQueued,
        [typeof(Table.Events.WaitEnded)] = WaitEnded,
        [typeof(Table.Events.LockTableSnapshot)] = LockTableSnapshot,
        [typeof(Table.Events.LockEventBatch)] = LockEventBatch,
    }.ToFrozenDictionary();
}
