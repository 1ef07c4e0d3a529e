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
    /// <summary>The first (for single-key grants, the only) key.</summary>
    public object Key => Keys[0];
}
