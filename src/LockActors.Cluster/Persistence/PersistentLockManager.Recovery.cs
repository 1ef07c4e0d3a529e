using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using LockActors.Table;
using LockActors.Table.Events;

namespace LockActors.Cluster.Persistence;

// Recovery: the last snapshot and the events after it rebuild the table; then every owner is
// watched again, and in a cluster the owners on nodes that are no longer members are released.
internal sealed partial class PersistentLockManager
{
    /// <inheritdoc />
    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: LockTableSnapshot snapshot } offer:
                _table.Restore(snapshot);
                _snapshotSequenceNr = offer.Metadata.SequenceNr;
                break;
            case LockEventBatch batch:
                foreach (var change in batch.Events)
                {
                    _table.Apply(change);
                }

                break;
            case LockTableEvent change:
                _table.Apply(change);
                break;
            case RecoveryCompleted:
                RecoveryDone();
                break;
            case SnapshotOffer offer:
                throw new InvalidOperationException($"Lock manager {PersistenceId} was offered a snapshot of type {offer.Snapshot?.GetType().Name}, not a lock table.");
        }
    }

    private void RecoveryDone()
    {
        _table.ForgetIdleOwners();
        _table.RecordEventsTo(this);
        var owners = _table.Owners();
        var members = ClusterMemberAddresses();
        var released = 0;
        foreach (var owner in owners)
        {
            if (members is not null && owner.Path.Address.HasGlobalScope && !members.Contains(owner.Path.Address))
            {
                // Its node left the cluster while no manager watched it: its Terminated will never come.
                _table.Terminated(owner);
                released++;
                continue;
            }

            Context.Watch(owner);
        }

        _table.ExpireDue(DeadlineClock.NowRoundedDown());
        if (_table.KeyCount > 0 || released > 0)
        {
            _log.Info("Lock manager {PersistenceId} recovered at event {SequenceNr}: {KeyCount} keys in use by {OwnerCount} owners, last token {LastToken}; released the keys of {Released} owners on nodes no longer members",
                PersistenceId, LastSequenceNr, _table.KeyCount, owners.Count - released, _table.LastToken, released);
        }

        WriteOrReply();
    }

    /// <summary>The addresses of the cluster's members that are joining, up or leaving; null when the actor system is not a cluster.</summary>
    private HashSet<Address>? ClusterMemberAddresses()
    {
        if (Context.System is not ExtendedActorSystem { Provider: ClusterActorRefProvider })
        {
            return null;
        }

        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var addresses = cluster.State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining or MemberStatus.Leaving)
            .Select(m => m.Address)
            .ToHashSet();
        addresses.Add(cluster.SelfAddress);
        return addresses;
    }
}
