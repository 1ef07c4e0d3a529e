using System.Collections.Concurrent;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: AwaitAll is atomic. The requester holds none of the keys until it is granted all of
// them together, in the order given, as one multi grant; so AwaitAll requests never deadlock
// against each other whatever their key order, and no later request (single or multi) overtakes
// an earlier one that waits for a key it also wants.
public sealed class AwaitAllSpecs : LockSpecBase
{
    private readonly ITestOutputHelper _output;

    public AwaitAllSpecs(ITestOutputHelper output) : base(output)
    {
        _output = output;
    }

    [Fact]
    public void AwaitAll_on_free_keys_grants_them_at_once_as_one_multi_grant_in_the_order_given()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();

        owner.Send(manager, new AwaitAll(new object[] { "c", "a", "b" }));

        var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.True(grant.IsMulti);
        Assert.Equal(new object[] { "c", "a", "b" }, grant.Keys);
        Assert.Equal("c", grant.Key);
        foreach (var key in new[] { "a", "b", "c" })
        {
            var status = Inspect(manager, key);
            Assert.Equal(owner.Ref, status.Owner);
            Assert.Equal(grant.FencingToken, status.FencingToken);
        }
    }

    [Fact]
    public void AwaitAll_with_a_single_key_gives_a_multi_grant()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();

        owner.Send(manager, new AwaitAll(new object[] { "hello" }));

        var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.True(grant.IsMulti);
        Assert.Equal(new object[] { "hello" }, grant.Keys);
    }

    [Fact]
    public void Keys_are_compared_with_Equals_so_1_and_1_point_0_are_two_keys()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();

        owner.Send(manager, new AwaitAll(new object[] { 1, 1.0, "a", "A" }));

        Assert.Equal(4, owner.ExpectMsg<LockAcquired>(Patience).Grant.Keys.Count);
    }

    [Fact]
    public void A_waiting_AwaitAll_holds_none_of_its_keys_until_it_gets_all_of_them()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "busy");
        var multi = CreateTestProbe();

        multi.Send(manager, new AwaitAll(new object[] { "free", "busy" }));
        AwaitWaiting(manager, "busy", multi.Ref);

        // The free key is not taken, only promised: nobody holds it and nobody may overtake.
        var free = Inspect(manager, "free");
        Assert.Null(free.Owner);
        Assert.Equal(new[] { multi.Ref }, free.Waiters);
        var other = CreateTestProbe();
        other.Send(manager, new TryLock("free"));
        var busy = other.ExpectMsg<LockBusy>(Patience);
        Assert.Null(busy.Owner);
        multi.ExpectNoMsg(TimeSpan.Zero);

        Release(manager, holder, grant);
        var all = multi.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.Equal(new object[] { "free", "busy" }, all.Keys);
        Assert.Equal(multi.Ref, WhereIs(manager, "free"));
        Assert.Equal(multi.Ref, WhereIs(manager, "busy"));
    }

    [Fact]
    public void Two_AwaitAll_requests_in_opposite_key_orders_do_not_deadlock()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "x");
        var ab = CreateTestProbe();
        var ba = CreateTestProbe();

        ab.Send(manager, new AwaitAll(new object[] { "x", "y" }));
        ba.Send(manager, new AwaitAll(new object[] { "y", "x" }));
        Assert.Equal(new[] { ab.Ref, ba.Ref }, Inspect(manager, "y").Waiters);
        Assert.Null(WhereIs(manager, "y"));

        Release(manager, holder, grant);
        var first = ab.ExpectMsg<LockAcquired>(Patience).Grant;
        ba.ExpectNoMsg(TimeSpan.Zero);
        Release(manager, ab, first);
        Assert.Equal(new object[] { "y", "x" }, ba.ExpectMsg<LockAcquired>(Patience).Grant.Keys);
    }

    [Fact]
    public void A_single_key_waiter_does_not_overtake_an_earlier_multi_key_waiter()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "k1");
        var multi = CreateTestProbe();
        var single = CreateTestProbe();

        multi.Send(manager, new AwaitAll(new object[] { "k1", "k2" }));
        single.Send(manager, new Await("k2", Timeout.InfiniteTimeSpan));
        Assert.Equal(new[] { multi.Ref, single.Ref }, Inspect(manager, "k2").Waiters);
        single.ExpectNoMsg(Brief);
        Assert.Null(WhereIs(manager, "k2"));

        Release(manager, holder, grant);
        var multiGrant = multi.ExpectMsg<LockAcquired>(Patience).Grant;
        single.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(multi.Ref, WhereIs(manager, "k2"));

        Release(manager, multi, multiGrant);
        single.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_multi_key_waiter_gets_its_keys_even_while_single_key_lockers_keep_taking_them()
    {
        var manager = NewManager();
        var letters = new[] { "a", "b", "c", "d", "e", "f" };
        var singles = new List<IActorRef>();
        foreach (var letter in letters)
        {
            for (var i = 1; i <= 3; i++)
            {
                singles.Add(Sys.ActorOf(Props.Create(() => new SingleLocker(manager, $"{letter}{i}"))));
            }
        }

        // Let every single locker go round at least once, so the keys are contended.
        var reporter = CreateTestProbe();
        foreach (var single in singles)
        {
            single.Tell(SingleLocker.ReportAfterFirstRound.Instance, reporter.Ref);
        }

        reporter.ReceiveN(singles.Count, Patience);

        var multis = new List<NumberedProbe>();
        for (var i = 1; i <= 3; i++)
        {
            var probe = CreateTestProbe();
            probe.Send(manager, new AwaitAll(letters.Select(l => (object)$"{l}{i}").Reverse().ToArray()));
            multis.Add(new NumberedProbe(probe, i));
        }

        foreach (var m in multis)
        {
            var keys = m.Probe.ExpectMsg<LockAcquired>(TimeSpan.FromSeconds(20)).Grant.Keys;
            Assert.Equal(letters.Select(l => (object)$"{l}{m.Index}").Reverse(), keys);
        }

        foreach (var single in singles)
        {
            Sys.Stop(single);
        }
    }

    [Fact]
    public void Many_actors_locking_overlapping_random_key_sets_all_finish_and_never_share_a_key()
    {
        const int actors = 40;
        const int iterations = 20;
        var seed = Environment.TickCount;
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var manager = NewManager();
        var pool = new object[] { "k1", "k2", "k3", "k4", "k5" };
        var inUse = new ConcurrentDictionary<object, string>();
        var done = CreateTestProbe();

        for (var i = 0; i < actors; i++)
        {
            var keys = pool.OrderBy(_ => random.Next()).Take(3).ToArray();
            var name = $"t{i}";
            Sys.ActorOf(Props.Create(() => new MultiLocker(manager, name, keys, iterations, inUse, done.Ref)));
        }

        var finished = new HashSet<string>();
        for (var i = 0; i < actors; i++)
        {
            var report = done.ExpectMsg<string>(TimeSpan.FromSeconds(30));
            Assert.StartsWith("done ", report);
            finished.Add(report);
        }

        Assert.Equal(actors, finished.Count);
        foreach (var key in pool)
        {
            AssertFree(manager, key);
        }
    }

    [Fact]
    public void Lockers_all_finish_when_greedy_actors_holding_or_waiting_for_their_keys_are_killed()
    {
        const int lockers = 20;
        const int greedy = 8;
        var seed = Environment.TickCount;
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var manager = NewManager();
        var pool = new object[] { "g1", "g2", "g3", "g4", "g5", "g6" };
        var inUse = new ConcurrentDictionary<object, string>();
        var done = CreateTestProbe();

        // Greedy actors take keys and never give them back; lockers queue up behind them.
        var hogs = new List<IActorRef>();
        for (var i = 0; i < greedy; i++)
        {
            var keys = pool.OrderBy(_ => random.Next()).Take(2).ToArray();
            hogs.Add(Sys.ActorOf(Props.Create(() => new Hog(manager, keys))));
        }

        for (var i = 0; i < lockers; i++)
        {
            var keys = pool.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToArray();
            var name = $"l{i}";
            Sys.ActorOf(Props.Create(() => new MultiLocker(manager, name, keys, 10, inUse, done.Ref)));
        }

        // Whatever each greedy actor holds or waits for when it dies must pass on.
        foreach (var hog in hogs)
        {
            KillAndWait(hog);
        }

        for (var i = 0; i < lockers; i++)
        {
            Assert.StartsWith("done ", done.ExpectMsg<string>(TimeSpan.FromSeconds(30)));
        }

        foreach (var key in pool)
        {
            AwaitAssert(() => AssertFree(manager, key), Patience);
        }
    }

    /// <summary>Locks its keys with AwaitAll and keeps them until it dies.</summary>
    private sealed class Hog : ReceiveActor
    {
        public Hog(IActorRef manager, object[] keys)
        {
            ReceiveAny(_ => { });
            manager.Tell(new AwaitAll(keys));
        }
    }

    private sealed record NumberedProbe(Akka.TestKit.TestProbe Probe, int Index);

    /// <summary>Takes and releases one key over and over, until stopped.</summary>
    private sealed class SingleLocker : ReceiveActor
    {
        private IActorRef? _reportTo;
        private bool _roundDone;

        public SingleLocker(IActorRef manager, string key)
        {
            Receive<ReportAfterFirstRound>(_ =>
            {
                if (_roundDone)
                {
                    Sender.Tell(key);
                }
                else
                {
                    _reportTo = Sender;
                }
            });
            Receive<LockAcquired>(m => manager.Tell(new Release(m.Grant)));
            Receive<Released>(_ =>
            {
                if (!_roundDone)
                {
                    _roundDone = true;
                    _reportTo?.Tell(key);
                }

                manager.Tell(new Await(key, Timeout.InfiniteTimeSpan));
            });
            manager.Tell(new Await(key, Timeout.InfiniteTimeSpan));
        }

        public sealed class ReportAfterFirstRound
        {
            public static readonly ReportAfterFirstRound Instance = new();
        }
    }

    /// <summary>
    /// Locks its keys with AwaitAll and releases them, <c>iterations</c> times, then reports
    /// "done name". While it holds its keys it marks them in a shared map: finding a key already
    /// marked means two actors hold it at once, which it reports instead.
    /// </summary>
    private sealed class MultiLocker : ReceiveActor
    {
        public MultiLocker(IActorRef manager, string name, object[] keys, int iterations,
            ConcurrentDictionary<object, string> inUse, IActorRef report)
        {
            var left = iterations;
            Receive<LockAcquired>(m =>
            {
                foreach (var key in keys)
                {
                    if (!inUse.TryAdd(key, name))
                    {
                        report.Tell($"{name} got {key} while {inUse.GetValueOrDefault(key)} held it");
                        return;
                    }
                }

                foreach (var key in keys)
                {
                    inUse.TryRemove(key, out _);
                }

                manager.Tell(new Release(m.Grant));
            });
            Receive<Released>(_ =>
            {
                left--;
                if (left == 0)
                {
                    report.Tell($"done {name}");
                }
                else
                {
                    manager.Tell(new AwaitAll(keys));
                }
            });
            ReceiveAny(m => report.Tell($"{name} got unexpected {m}"));
            manager.Tell(new AwaitAll(keys));
        }
    }
}
