namespace LockActors.Table;

/// <summary>
/// A key as the table files it: the key object and its hash code, asked of the key once, when it
/// is looked up or comes into use. An entry is taken out of the table by the hash code it was filed
/// under and by identity, so a key whose hash code changed or started throwing while it was in use
/// is still taken out, and its own code is not called for it.
/// </summary>
internal readonly struct FiledKey(object key, int hash, bool byIdentity = false)
{
    public readonly object Key = key;

    public readonly int Hash = hash;

    /// <summary>True when this key matches only the very same object: the key's Equals is never called for it.</summary>
    public readonly bool ByIdentity = byIdentity;

    /// <summary>The key, with its hash code asked of it now (which may throw: the key is user code).</summary>
    public static FiledKey Of(object key) => new(key, key.GetHashCode());
}

/// <summary>
/// Equality of filed keys: the same hash code, and the same object or (unless either is
/// <see cref="FiledKey.ByIdentity"/>) equal by the key's own Equals. The key's Equals is called only
/// for another object with the same hash code.
/// </summary>
internal sealed class FiledKeyComparer : IEqualityComparer<FiledKey>
{
    public static readonly FiledKeyComparer Instance = new();

    public bool Equals(FiledKey x, FiledKey y) =>
        x.Hash == y.Hash && (ReferenceEquals(x.Key, y.Key) || (!x.ByIdentity && !y.ByIdentity && x.Key.Equals(y.Key)));

    public int GetHashCode(FiledKey key) => key.Hash;
}
