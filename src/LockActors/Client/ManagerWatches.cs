using System.Collections.Concurrent;
using Akka.Actor;

namespace LockActors.Client;

/// <summary>
/// Tells every <see cref="LockClient"/> of a manager when the manager terminated, or when its node
/// was lost, so that no call waits for an answer that will never come. One watch per manager and
/// actor system (an extension of the system), whatever the number of clients.
/// </summary>
/// <remarks>
/// The watching is done by a system actor: Akka tells an actor that watches a remote one when the
/// remote node goes away unannounced, which it does not tell a bare reference. Clients are held
/// weakly: a client no longer used can be collected.
/// </remarks>
internal sealed class ManagerWatches : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<IActorRef, ManagerWatch> _watches = new();

    private ManagerWatches(ExtendedActorSystem system) => _system = system;

    /// <summary>Starts telling <paramref name="client"/> when <paramref name="manager"/> is gone (at once if it already is).</summary>
    /// <param name="client">The client.</param>
    /// <param name="manager">Its manager.</param>
    /// <param name="provider">The provider of the client's actor system.</param>
    public static void Add(LockClient client, IActorRef manager, IActorRefProvider provider)
    {
        // A reference of a running system always leads to its guardian; without one there is
        // nothing to run the watch in, and the client's time-outs remain.
        if (provider.Guardian is { Underlying.System: ExtendedActorSystem system } && !system.WhenTerminated.IsCompleted)
        {
            system.WithExtension<ManagerWatches, Id>().Add(client, manager);
        }
    }

    private void Add(LockClient client, IActorRef manager)
    {
        while (true)
        {
            var watch = _watches.GetOrAdd(manager, static (m, self) => new ManagerWatch(self, m), this);
            if (watch.TryAdd(client))
            {
                return;
            }

            // That watch has just fired and left the table: the next one watches afresh (and a
            // dead manager is reported at once).
        }
    }

    private sealed class Id : ExtensionIdProvider<ManagerWatches>
    {
        public override ManagerWatches CreateExtension(ExtendedActorSystem system) => new(system);
    }

    /// <summary>The clients of one manager, and the actor watching it.</summary>
    private sealed class ManagerWatch(ManagerWatches owner, IActorRef manager)
    {
        private readonly List<WeakReference<LockClient>> _clients = [];
        private int _pruneAt = 64;
        private bool _fired;
        private int _started;

        /// <summary>Adds a client; false once the manager is gone (the watch is then out of the table).</summary>
        public bool TryAdd(LockClient client)
        {
            lock (_clients)
            {
                if (_fired)
                {
                    return false;
                }

                if (_clients.Count >= _pruneAt)
                {
                    _clients.RemoveAll(c => !c.TryGetTarget(out _));
                    _pruneAt = Math.Max(64, _clients.Count * 2);
                }

                _clients.Add(new WeakReference<LockClient>(client));
            }

            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                owner._system.SystemActorOf(Props.Create(() => new Watcher(this, manager)));
            }

            return true;
        }

        /// <summary>The manager is gone: every client learns it, and the next client starts a new watch.</summary>
        public void Fire(string reason)
        {
            List<LockClient> alive = [];
            lock (_clients)
            {
                _fired = true;
                foreach (var weak in _clients)
                {
                    if (weak.TryGetTarget(out var client))
                    {
                        alive.Add(client);
                    }
                }

                _clients.Clear();
            }

            owner._watches.TryRemove(new KeyValuePair<IActorRef, ManagerWatch>(manager, this));
            foreach (var client in alive)
            {
                client.OnManagerGone(reason);
            }
        }
    }

    /// <summary>The system actor that watches one manager for a <see cref="ManagerWatch"/>.</summary>
    private sealed class Watcher(ManagerWatch watch, IActorRef manager) : UntypedActor
    {
        protected override void PreStart() => Context.Watch(manager);

        protected override void OnReceive(object message)
        {
            if (message is not Terminated terminated || !terminated.ActorRef.Equals(manager))
            {
                Unhandled(message);
                return;
            }

            watch.Fire(terminated.AddressTerminated
                ? $"The lock manager {manager.Path} is unreachable: its node was lost."
                : $"The lock manager {manager.Path} terminated.");
            Context.Stop(Self);
        }
    }
}
