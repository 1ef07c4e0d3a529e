using System.Collections.Concurrent;
using Akka.Actor;
using LockActors.Client;
using Microsoft.Extensions.ObjectPool;

namespace LockActors;

/// <summary>The owner references of a <see cref="LockClient"/>: made, reused, stopped, and failed together when the manager is gone.</summary>
public sealed partial class LockClient
{
    /// <summary>
    /// How many owner references of ended locks a client keeps for later locks: enough for as many
    /// locks held at once by one client as a busy service has in flight; more are stopped, so the
    /// manager stops watching them.
    /// </summary>
    private const int KeptOwners = 64;

    // Every reference of this client not yet stopped (serving a lock, or idle in the pool): goodbye
    // finds the held handles through them. Changed only when a reference is made or stopped, so taking and
    // ending a lock with a reused reference touches nothing shared here.
    private readonly ConcurrentDictionary<LockOwnerRef, byte> _refs = new(ReferenceEqualityComparer.Instance);

    // Holds the references of ended locks; one it has no room for is disposed, which stops it.
    private readonly ObjectPool<LockOwnerRef> _owners;

    // Set (see ManagerWatches) when the manager terminated: why; every call then fails at once.
    private string? _managerGone;

    /// <summary>Why the manager can no longer answer (it terminated, or its node was lost); null while it can.</summary>
    internal string? ManagerGoneReason => Volatile.Read(ref _managerGone);

    /// <summary>
    /// The manager terminated or its node was lost: every call in flight fails at once (a dispose
    /// completes), every held handle is lost, and every later call fails as it is sent.
    /// </summary>
    internal void OnManagerGone(string reason)
    {
        if (Interlocked.CompareExchange(ref _managerGone, reason, null) is not null)
        {
            return;
        }

        foreach (var (owner, _) in _refs)
        {
            owner.OnManagerGone(reason);
        }
    }

    /// <summary>How many references of this client are not stopped (held, in flight or idle): for tests and diagnostics.</summary>
    internal int LiveOwnerCount => _refs.Count;

    /// <summary>A reference of this client stopped: it will never serve a lock again.</summary>
    internal void Unregister(LockOwnerRef owner) => _refs.TryRemove(owner, out _);

    /// <summary>
    /// The reference that receives the replies of one lock (and owns it unless the client has an
    /// owner): one whose earlier lock ended cleanly, else a new one.
    /// </summary>
    private LockOwnerRef NewOwner()
    {
        while (true)
        {
            var owner = _owners.Get();
            if (owner.TryRent())
            {
                return owner;
            }

            // Something was given to it, or it was lost, while it waited for reuse: never again.
            owner.Stop();
        }
    }

    /// <summary>Keeps <paramref name="owner"/>, whose lock ended cleanly, for a later lock.</summary>
    internal void ReturnOwner(LockOwnerRef owner) => _owners.Return(owner);

    private sealed class OwnerPolicy(LockClient client, IActorRefProvider provider) : PooledObjectPolicy<LockOwnerRef>
    {
        public override LockOwnerRef Create()
        {
            var owner = new LockOwnerRef(client, provider);
            client._refs.TryAdd(owner, 0);
            return owner;
        }

        public override bool Return(LockOwnerRef owner) => true;
    }
}
