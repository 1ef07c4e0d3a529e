using Akka.Actor;
using Akka.Dispatch.SysMsg;

namespace LockActors.Client;

/// <summary>DeathWatch of a <see cref="LockOwnerRef"/>: the manager watches it like any owner, from any node.</summary>
internal sealed partial class LockOwnerRef
{
    // Stands in the watcher slot once stopped.
    private static readonly IInternalActorRef StoppedMark = Nobody.Instance;

    // Nearly always one watcher (the manager), in one field; a list (locked) only if others watch too.
    private IInternalActorRef? _watcher;
    private List<IInternalActorRef>? _moreWatchers;
    private int _stopped;

    public override void SendSystemMessage(ISystemMessage message)
    {
        switch (message)
        {
            case Watch watch when Equals(watch.Watchee, this):
                AddWatcher(watch.Watcher);
                return;
            case Unwatch unwatch when Equals(unwatch.Watchee, this):
                RemoveWatcher(unwatch.Watcher);
                return;
        }
    }

    private void AddWatcher(IInternalActorRef watcher)
    {
        var previous = Interlocked.CompareExchange(ref _watcher, watcher, null);
        if (previous is null)
        {
            return; // Stop swaps the slot, so it will tell this watcher.
        }

        if (ReferenceEquals(previous, StoppedMark))
        {
            Notify(watcher);
            return;
        }

        var more = MoreWatchers();
        lock (more)
        {
            if (Volatile.Read(ref _stopped) == 0)
            {
                more.Add(watcher);
                return;
            }
        }

        Notify(watcher);
    }

    private void RemoveWatcher(IInternalActorRef watcher)
    {
        var current = Volatile.Read(ref _watcher);
        if (current is not null && !ReferenceEquals(current, StoppedMark) && current.Equals(watcher) &&
            ReferenceEquals(Interlocked.CompareExchange(ref _watcher, null, current), current))
        {
            return;
        }

        if (Volatile.Read(ref _moreWatchers) is { } more)
        {
            lock (more)
            {
                more.Remove(watcher);
            }
        }
    }

    private List<IInternalActorRef> MoreWatchers()
    {
        var created = new List<IInternalActorRef>();
        return Interlocked.CompareExchange(ref _moreWatchers, created, null) ?? created;
    }

    private void Notify(IInternalActorRef watcher) =>
        watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));

    /// <summary>Ends this owner: every watcher learns it terminated, so the manager frees anything it still holds.</summary>
    public override void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _client.Unregister(this);
        UnregisterTemp();

        var watcher = Interlocked.Exchange(ref _watcher, StoppedMark);
        if (watcher is not null)
        {
            Notify(watcher);
        }

        if (Volatile.Read(ref _moreWatchers) is not { } more)
        {
            return;
        }

        IInternalActorRef[] others;
        lock (more)
        {
            others = [.. more];
            more.Clear();
        }

        foreach (var other in others)
        {
            Notify(other);
        }
    }
}
