using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// What one node sees of another's end: when that member was marked down and when it was
/// removed, on a stopwatch the spec shares (from the cluster events of the watching node).
/// </summary>
internal sealed class MemberWatch
{
    private readonly TaskCompletionSource<TimeSpan> _downed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TimeSpan> _removed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MemberWatch(ClusterNode watcher, Address watched, Stopwatch clock)
    {
        watcher.System.ActorOf(Props.Create(() => new Subscriber(this, watched, clock)));
    }

    /// <summary>When the watched member was seen down (or removed, whichever came first).</summary>
    public Task<TimeSpan> Downed => _downed.Task;

    /// <summary>When the watched member was seen removed.</summary>
    public Task<TimeSpan> Removed => _removed.Task;

    /// <summary>Starts watching <paramref name="watched"/> from <paramref name="watcher"/>, and returns once the subscription is in place.</summary>
    public static async Task<MemberWatch> StartAsync(ClusterNode watcher, ClusterNode watched, Stopwatch clock)
    {
        var watch = new MemberWatch(watcher, watched.Address, clock);
        await watch._subscribed.Task.WaitAsync(TestProfile.Patience);
        return watch;
    }

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Subscriber : UntypedActor
    {
        private readonly MemberWatch _watch;
        private readonly Address _watched;
        private readonly Stopwatch _clock;

        public Subscriber(MemberWatch watch, Address watched, Stopwatch clock)
        {
            _watch = watch;
            _watched = watched;
            _clock = clock;
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(ClusterEvent.IMemberEvent));
        }

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case ClusterEvent.CurrentClusterState:
                    _watch._subscribed.TrySetResult();
                    break;
                case ClusterEvent.MemberDowned downed when downed.Member.Address.Equals(_watched):
                    _watch._downed.TrySetResult(_clock.Elapsed);
                    break;
                case ClusterEvent.MemberRemoved removed when removed.Member.Address.Equals(_watched):
                    var at = _clock.Elapsed;
                    _watch._downed.TrySetResult(at);
                    _watch._removed.TrySetResult(at);
                    break;
            }
        }
    }
}
