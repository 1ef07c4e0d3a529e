using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>
/// The terms the chaos suite picks for one lock request: mode, permits, the capacity it expects the
/// key to have, place in line and how long to wait (null: the manager's default).
/// </summary>
internal sealed record ChaosTerms(LockMode Mode, int Permits, int Capacity, int Priority, TimeSpan? Timeout);

/// <summary>
/// The one place where the suite builds protocol requests, calls <see cref="LockClient"/> and reads
/// grants: a rename of the protocol or of the client's verbs is an edit of this file only.
/// </summary>
internal static class ChaosProtocol
{
    public static object TryLock(object key, ChaosTerms terms) =>
        new TryLock(key) { Options = Options(terms) with { Timeout = null } };

    public static object Await(object key, ChaosTerms terms) => new Await(key) { Options = Options(terms) };

    public static object AwaitAll(IReadOnlyList<object> keys, ChaosTerms terms) => new AwaitAll(keys) { Options = Options(terms) };

    public static object Release(LockGrant grant) => new Release(grant);

    public static object ReleaseKeys(IReadOnlyList<object> keys) => new ReleaseKeys(keys);

    public static object Goodbye() => new Goodbye();

    /// <summary>A give-away that carries the capacity the lock was taken with, so the heir can record it.</summary>
    public static object GiveAway(LockGrant grant, IActorRef heir, int capacity) => new GiveAway(grant, heir, capacity);

    public static object CancelAwait(IReadOnlyList<object>? keys) => new CancelAwait(keys);

    public static object WhereIs(object key) => new WhereIs(key);

    public static object Inspect(object key) => new Inspect(key);

    /// <summary>The settings of a manager whose grants carry <paramref name="incarnation"/> as metadata.</summary>
    public static LockManagerSettings ManagerSettings(ManagerIncarnation incarnation) => new() { Metadata = incarnation };

    /// <summary>The incarnation of the manager that issued <paramref name="grant"/>.</summary>
    public static int IncarnationOf(LockGrant grant) => grant.Metadata is ManagerIncarnation i ? i.Number : 0;

    public static LockMode ModeOf(LockGrant grant) => grant.Mode;

    public static int PermitsOf(LockGrant grant) => grant.Permits;

    /// <summary>The capacity a give-away's heir should record for the lock it received.</summary>
    public static int GiftedCapacity(LockTransferred transferred) => transferred.GiftData is int capacity ? capacity : 1;

    /// <summary>Whether a key is neither held nor waited for, as <see cref="Inspect"/> reports it.</summary>
    public static bool IsFree(KeyStatus status) =>
        status.Owner is null && status.Holders.Count == 0 && status.Queue.Count == 0 && status.Waiters.Count == 0;

    // ------------------------------------------------------------------------------------
    // LockClient
    // ------------------------------------------------------------------------------------

    public static LockClient NewClient(IActorRef manager, TimeSpan requestTimeout, IActorRef? owner = null) =>
        new(manager, new LockClientOptions { RequestTimeout = requestTimeout, Owner = owner });

    private static LockOptions Options(ChaosTerms terms) => new()
    {
        Mode = terms.Mode, Permits = terms.Permits, Capacity = terms.Capacity, Priority = terms.Priority, Timeout = terms.Timeout,
    };

    /// <summary>One attempt (the terms' timeout is not used: a try-lock with a timeout would wait).</summary>
    public static Task<LockHandle?> TryLockAsync(LockClient client, object key, ChaosTerms terms, CancellationToken ct) =>
        client.TryLockAsync(key, Options(terms) with { Timeout = null }, ct);

    public static Task<LockHandle> AwaitAsync(LockClient client, object key, ChaosTerms terms, CancellationToken ct) =>
        client.LockAsync(key, Options(terms), ct);

    public static Task<LockHandle> AwaitAllAsync(LockClient client, IReadOnlyList<object> keys, ChaosTerms terms, CancellationToken ct) =>
        client.LockAllAsync(keys, Options(terms), ct);

    public static Task ReleaseAsync(LockHandle handle) => handle.ReleaseAsync();

    /// <summary>Gives the lock away, telling the heir the capacity it was taken with.</summary>
    public static Task GiveAwayAsync(LockHandle handle, IActorRef heir, int capacity) => handle.GiveAwayAsync(heir, capacity);

    /// <summary>Cancelled once the manager reports the handle's lock lost.</summary>
    public static CancellationToken LostToken(LockHandle handle) => handle.HandleLostToken;

    public static ValueTask DisposeAsync(LockHandle handle) => handle.DisposeAsync();

    public static LockGrant GrantOf(LockHandle handle) => handle.Grant;

    public static Task<KeyStatus> InspectAsync(LockClient client, object key) => client.InspectAsync(key);

    public static Task<IActorRef?> WhereIsAsync(LockClient client, object key) => client.WhereIsAsync(key);
}

/// <summary>Metadata of one incarnation of a restartable manager: every grant it issues carries it.</summary>
/// <param name="Number">1 for the first incarnation, 2 after the first restart…</param>
internal sealed record ManagerIncarnation(int Number);
