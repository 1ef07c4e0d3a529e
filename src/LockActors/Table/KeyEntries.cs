namespace LockActors.Table;

/// <summary>
/// The table's entries by filed key, and the entries of keys that went idle, kept for the next
/// keys coming into use: a lock taken and released again and again (the common case) then
/// allocates no entry. At most <see cref="SpareLimit"/> are kept.
/// </summary>
internal sealed class KeyEntries() : Dictionary<FiledKey, KeyEntry>(FiledKeyComparer.Instance)
{
    /// <summary>How many idle entries are kept for reuse: enough for as many keys as a busy manager sees come and go at once.</summary>
    public const int SpareLimit = 256;

    private readonly Stack<KeyEntry> _spares = new();

    /// <summary>The idle entries kept for reuse (for the consistency check).</summary>
    public IEnumerable<KeyEntry> Spares => _spares;

    /// <summary>An entry for a key coming into use, not filed yet: a spare one made new, or a new one.</summary>
    /// <param name="filed">The key and the hash code it is filed under.</param>
    /// <param name="capacity">The key's permits.</param>
    /// <returns>An entry with no holder and nobody waiting.</returns>
    public KeyEntry NewEntry(FiledKey filed, int capacity)
    {
        if (_spares.TryPop(out var spare))
        {
            spare.Reuse(filed, capacity);
            return spare;
        }

        return new KeyEntry(filed, capacity);
    }

    /// <summary>
    /// Takes an idle entry out (by the hash code it was filed under and by identity, so no key code
    /// runs) and keeps it for reuse. An entry already taken out is left alone, so one that was
    /// marked for a grant check twice is kept once.
    /// </summary>
    /// <param name="entry">An entry with no holder and nobody waiting: only waits already withdrawn still point to it, and they are never read again.</param>
    public void Drop(KeyEntry entry)
    {
        if (Remove(entry.Filed) && _spares.Count < SpareLimit)
        {
            entry.Park();
            _spares.Push(entry);
        }
    }
}
