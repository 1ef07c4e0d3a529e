using Akka.Actor;

namespace LockActors;

/// <summary>
/// Proof of a held lock: which keys, who owns them and under which fencing token.
/// Present it to <see cref="Release"/> or <see cref="GiveAway"/>.
/// </summary>
/// <param name="Keys">One key for <see cref="TryLock"/>/<see cref="Await"/>; the request's keys, in the order given, for <see cref="AwaitAll"/>.</param>
/// <param name="IsMulti">True when the grant came from <see cref="AwaitAll"/>.</param>
/// <param name="Owner">The actor that owns the keys.</param>
/// <param name="FencingToken">
/// Strictly increasing over all grants of one manager incarnation: a protected resource can
/// reject a write carrying a token lower than one it has already seen.
/// </param>
/// <param name="Metadata">The manager's configured <see cref="LockManagerSettings.Metadata"/>.</param>
public sealed record LockGrant(
    IReadOnlyList<object> Keys,
    bool IsMulti,
    IActorRef Owner,
    long FencingToken,
    object? Metadata)
{
    private readonly object[] _keys = KeyArray.Of(Keys);

    /// <summary>The keys, in the order requested; always held in an array, whatever list they were given in.</summary>
    /// <remarks>An array survives serialization (see <see cref="KeyArray"/>), so a grant sent to another node can be released from there.</remarks>
    public IReadOnlyList<object> Keys
    {
        get => _keys;
        init => _keys = KeyArray.Of(value);
    }

    /// <summary>The first (for single-key grants, the only) key.</summary>
    public object Key => Keys[0];

    /// <summary>How the keys are held: <see cref="LockMode.Exclusive"/> (the default) or <see cref="LockMode.Shared"/>.</summary>
    public LockMode Mode { get; init; }

    /// <summary>The permits held on each key: 1 for a lock, the requested number on a semaphore key.</summary>
    public int Permits { get; init; } = 1;

    /// <summary>
    /// Two grants are equal when they name the same keys in the same order, the same owner, fencing
    /// token, kind, mode, permits and metadata, so a grant received in <see cref="LockLost"/> equals the one
    /// received in <see cref="LockAcquired"/> (the key lists are compared item by item, not by reference).
    /// </summary>
    /// <param name="other">The grant to compare with.</param>
    /// <returns>True when both describe the same grant.</returns>
    public bool Equals(LockGrant? other) =>
        other is not null
        && FencingToken == other.FencingToken
        && IsMulti == other.IsMulti
        && Mode == other.Mode
        && Permits == other.Permits
        && Equals(Owner, other.Owner)
        && Equals(Metadata, other.Metadata)
        && Keys.SequenceEqual(other.Keys);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(FencingToken, Owner);
}
