namespace LockActors.Table;

/// <summary>
/// One owner's hold on one key: permits, and the grant it came from. Linked into the owner's list
/// of holdings. A key's first holding is the <see cref="KeyEntry"/> itself, so a key with one
/// holder (the common case) is one object; further holders of a shared or semaphore key get an
/// <see cref="ExtraHolding"/> each.
/// </summary>
internal abstract class Holding
{
    /// <summary>The owner, or null when this slot is unused (only an entry's own slot can be).</summary>
    public Party? Holder;

    /// <summary>The fencing token of the grant the key is held under.</summary>
    public long Token;

    /// <summary>
    /// The keys of the multi-key grant the key is held under (shared by all its holdings), or null for
    /// a single-key grant. With <see cref="Token"/>, <see cref="Mode"/> and <see cref="Permits"/> this
    /// is enough to rebuild the grant, so no grant object is kept.
    /// </summary>
    public IReadOnlyList<object>? MultiKeys;

    /// <summary>The label and grant time of the holding, or null when it has neither (the common case).</summary>
    public HoldingNote? Note;

    /// <summary>Who took the lock, in words (<see cref="LockOptions.Label"/>); null for none.</summary>
    public string? Label => Note?.Label;

    /// <summary>
    /// When the grant was made, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp, for the
    /// hold-time histogram; 0 when nobody measured it (no listener at grant time).
    /// </summary>
    public long GrantedAt => Note?.GrantedAt ?? 0;

    /// <summary>Links in the holder's list of holdings (<see cref="Party.Held"/>).</summary>
    public Links<Holding> HeldLinks;

    /// <summary>The key held.</summary>
    public abstract KeyEntry Entry { get; }

    /// <summary>The permits this holding holds on the key.</summary>
    public abstract int Permits { get; }

    /// <summary>The mode of the holding: every holder of a key holds it in the same mode.</summary>
    public LockMode Mode => Entry.HeldMode;

    /// <summary>Where a holding keeps its links in its holder's list.</summary>
    public abstract class InHolderList : ILinksOf<Holding>
    {
        public static ref Links<Holding> Of(Holding item) => ref item.HeldLinks;
    }
}

/// <summary>
/// What a holding may carry beyond its grant: the request's label, and the grant's time while the
/// hold histogram has a listener. Kept apart, so a holding with neither costs one null reference.
/// </summary>
internal sealed class HoldingNote(string? label, long grantedAt)
{
    public readonly string? Label = label;

    public readonly long GrantedAt = grantedAt;

    /// <summary>The note for <paramref name="label"/> and <paramref name="grantedAt"/>, or null when there is nothing to note.</summary>
    public static HoldingNote? For(string? label, long grantedAt) =>
        label is null && grantedAt == 0 ? null : new HoldingNote(label, grantedAt);
}

/// <summary>A second or later holder of a shared or semaphore key.</summary>
internal sealed class ExtraHolding(KeyEntry entry, int permits) : Holding
{
    public override KeyEntry Entry { get; } = entry;

    public override int Permits { get; } = permits;
}

/// <summary>
/// What a key needs once it can have several holders at once: a semaphore (capacity above 1) from
/// its creation, a lock from its first shared holder on. A plain lock, held by one exclusive holder
/// at a time, has none.
/// </summary>
internal sealed class KeySharing(int capacity)
{
    /// <summary>How many permits the key has; fixed while the entry exists.</summary>
    public readonly int Capacity = capacity;

    /// <summary>Permits held: the sum over exclusive holders, or the number of shared holders. Zero when free.</summary>
    public int PermitsHeld;

    /// <summary>The permits of the holder in the entry's own slot.</summary>
    public int OwnPermits;

    /// <summary>The mode of every current holder (they all agree); meaningless when free.</summary>
    public LockMode HeldMode;

    /// <summary>Holders beyond the one in the entry's own slot; null until the key has had two at once.</summary>
    public Dictionary<Party, ExtraHolding>? Others;
}
