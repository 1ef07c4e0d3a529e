using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

/// <summary>
/// The manager's side of keeping idle owners watched: its sweep timer unwatches them, and zero
/// settings unwatch at once. The owner is a reference that records the watch system messages it
/// receives, so the watches themselves are what the specs check.
/// </summary>
public sealed class IdleOwnerActorSpecs(ITestOutputHelper output) : LockSpecBase(output)
{
    [Fact]
    public void An_idle_owner_is_unwatched_by_the_sweep_and_watched_again_when_it_locks_again()
    {
        var manager = NewManager(s => s with { IdleOwnerWatchTime = TimeSpan.FromMilliseconds(50) });
        var owner = new WatchRecorder(Sys);
        var sender = CreateTestProbe();

        LockAndRelease(manager, sender, owner);
        Assert.Equal(["watch"], owner.Seen);

        // Unwatched by the second sweep after it went idle: within a few periods.
        AwaitAssert(() => Assert.Equal(["watch", "unwatch"], owner.Seen), Patience);

        sender.Send(manager, new TryLock("k") { Owner = owner });
        sender.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(["watch", "unwatch", "watch"], owner.Seen);
    }

    [Fact]
    public void An_owner_that_locks_again_while_idle_is_not_watched_twice()
    {
        var manager = NewManager(s => s with { IdleOwnerWatchTime = TimeSpan.FromHours(1) });
        var owner = new WatchRecorder(Sys);
        var sender = CreateTestProbe();

        for (var i = 0; i < 3; i++)
        {
            LockAndRelease(manager, sender, owner);
        }

        Assert.Equal(["watch"], owner.Seen);
    }

    [Fact]
    public void With_zero_idle_time_an_owner_is_unwatched_as_soon_as_it_holds_nothing()
    {
        var manager = NewManager(s => s with { IdleOwnerWatchTime = TimeSpan.Zero });
        var owner = new WatchRecorder(Sys);
        var sender = CreateTestProbe();

        LockAndRelease(manager, sender, owner);

        Assert.Equal(["watch", "unwatch"], owner.Seen);
    }

    [Fact]
    public void An_idle_owner_that_dies_frees_nothing_and_the_manager_carries_on()
    {
        var manager = NewManager(s => s with { IdleOwnerWatchTime = TimeSpan.FromHours(1) });
        var owner = CreateTestProbe();
        Release(manager, owner, Lock(manager, owner, "k"));
        var other = CreateTestProbe();
        var held = Lock(manager, other, "k");

        Watch(owner.Ref);
        Sys.Stop(owner.Ref);
        ExpectTerminated(owner.Ref, Patience);

        // The death of the idle owner reached the manager (it still watched it) and changed nothing.
        Assert.Equal(other.Ref, WhereIs(manager, "k"));
        Release(manager, other, held);
    }

    /// <summary>Takes and releases key "k" for <paramref name="owner"/>, asked by <paramref name="sender"/>; waits for both answers.</summary>
    private static void LockAndRelease(IActorRef manager, Akka.TestKit.TestProbe sender, IActorRef owner)
    {
        sender.Send(manager, new TryLock("k") { Owner = owner });
        var grant = sender.ExpectMsg<LockAcquired>(Patience).Grant;
        sender.Send(manager, new Release(grant) { Owner = owner });
        sender.ExpectMsg<Released>(Patience);
    }

    /// <summary>
    /// An owner reference that records the Watch and Unwatch system messages sent to it; registered
    /// as a temporary actor, so a message naming it still finds it after serialization.
    /// </summary>
    private sealed class WatchRecorder : MinimalActorRef
    {
        private readonly ConcurrentQueue<string> _seen = new();

        public WatchRecorder(ActorSystem system)
        {
            Provider = ((ExtendedActorSystem)system).Provider;
            Path = Provider.TempPath();
            Provider.RegisterTempActor(this, Path);
        }

        public override ActorPath Path { get; }

        public override IActorRefProvider Provider { get; }

        public string[] Seen => [.. _seen];

        public override void SendSystemMessage(ISystemMessage message)
        {
            switch (message)
            {
                case Akka.Dispatch.SysMsg.Watch:
                    _seen.Enqueue("watch");
                    break;
                case Akka.Dispatch.SysMsg.Unwatch:
                    _seen.Enqueue("unwatch");
                    break;
            }
        }
    }
}
