using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// Owners that hold and wait for nothing stay watched for a while (the default), so an actor that
/// locks again soon is not unwatched and watched again: within <see cref="LockManagerSettings.MaxIdleOwnersWatched"/>
/// and until the second sweep after it went idle.
/// </summary>
public sealed class IdleOwnerSpecs
{
    private readonly TableFixture _t = new(new LockManagerSettings { MaxIdleOwnersWatched = 2 });
    private readonly FakeRef _a = TableFixture.Ref("a");
    private readonly FakeRef _b = TableFixture.Ref("b");
    private readonly FakeRef _c = TableFixture.Ref("c");

    private RecordingEffects Fx => _t.Effects;

    private void LockAndRelease(IActorRef owner, object key) =>
        Assert.IsType<Released>(_t.Release(owner, _t.Acquire(owner, key)));

    [Fact]
    public void The_defaults_keep_idle_owners_watched_for_a_second_at_most_a_thousand()
    {
        var defaults = new LockManagerSettings();

        Assert.Equal(TimeSpan.FromSeconds(1), defaults.IdleOwnerWatchTime);
        Assert.Equal(1000, defaults.MaxIdleOwnersWatched);
    }

    [Fact]
    public void An_owner_that_locks_again_is_watched_once_and_never_unwatched_in_between()
    {
        LockAndRelease(_a, "k");
        LockAndRelease(_a, "k");
        LockAndRelease(_a, "other");

        Assert.Equal(new IActorRef[] { _a }, Fx.Watches);
        Assert.Empty(Fx.Unwatches);
        Assert.Contains(_a, Fx.Watched);
        Assert.Equal(0, _t.Table.PartyCount);
        Assert.Equal(1, _t.Table.IdleOwnerCount);
        Assert.Equal(0, _t.Table.KeyCount);
    }

    [Fact]
    public void The_first_idle_owner_starts_the_sweep_and_an_idle_owner_is_unwatched_at_the_second_sweep()
    {
        LockAndRelease(_a, "k");
        Assert.Equal(1, Fx.IdleSweepsStarted);

        Assert.True(_t.Table.SweepIdleOwners());
        Assert.Contains(_a, Fx.Watched);

        Assert.False(_t.Table.SweepIdleOwners());
        Assert.Equal(new IActorRef[] { _a }, Fx.Unwatches);
        Assert.Equal(0, _t.Table.IdleOwnerCount);

        // The sweep stopped; the next idle owner starts it again.
        LockAndRelease(_b, "k");
        Assert.Equal(2, Fx.IdleSweepsStarted);
    }

    [Fact]
    public void Locking_again_before_the_sweep_resets_the_owner_idle_time()
    {
        LockAndRelease(_a, "k");
        _t.Table.SweepIdleOwners();
        LockAndRelease(_a, "k");

        Assert.True(_t.Table.SweepIdleOwners());
        Assert.Contains(_a, Fx.Watched);
        Assert.False(_t.Table.SweepIdleOwners());
        Assert.DoesNotContain(_a, Fx.Watched);
    }

    [Fact]
    public void Beyond_the_limit_the_owner_idle_longest_is_unwatched()
    {
        LockAndRelease(_a, "k");
        LockAndRelease(_b, "k");
        LockAndRelease(_a, "k"); // a is now the most recently idle
        LockAndRelease(_c, "k");

        Assert.Equal(new IActorRef[] { _b }, Fx.Unwatches);
        Assert.Equal(2, _t.Table.IdleOwnerCount);
        Assert.Contains(_a, Fx.Watched);
        Assert.Contains(_c, Fx.Watched);
    }

    [Fact]
    public void An_idle_owner_that_dies_is_dropped_without_a_message()
    {
        LockAndRelease(_a, "k");
        var sent = Fx.Sent.Count;

        _t.Terminated(_a);

        Assert.Equal(sent, Fx.Sent.Count);
        Assert.Equal(0, _t.Table.IdleOwnerCount);
        Assert.Empty(Fx.Unwatches);
        Assert.False(_t.Table.SweepIdleOwners());
    }

    [Fact]
    public void An_idle_owner_waiting_again_is_not_watched_twice_and_its_death_frees_nothing_it_no_longer_holds()
    {
        LockAndRelease(_a, "k");
        _t.Acquire(_b, "k");
        _t.Await(_a, "k");

        Assert.Equal(0, _t.Table.IdleOwnerCount);
        Assert.Empty(Fx.WatchErrors);

        _t.Terminated(_a);
        Assert.Equal(_b, _t.OwnerOf("k"));
        Assert.Empty(_t.WaitersOf("k"));
    }

    [Fact]
    public void Goodbye_of_an_idle_owner_answers_with_no_keys_and_keeps_it_idle()
    {
        LockAndRelease(_a, "k");

        var done = Assert.IsType<GoodbyeDone>(_t.Goodbye(_a));

        Assert.Empty(done.Keys);
        Assert.Equal(1, _t.Table.IdleOwnerCount);
        Assert.Empty(Fx.Unwatches);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1000, 0)]
    public void Zero_time_or_zero_owners_unwatches_at_once(int ms, int max)
    {
        var t = new TableFixture(new LockManagerSettings { IdleOwnerWatchTime = TimeSpan.FromMilliseconds(ms), MaxIdleOwnersWatched = max });

        Assert.IsType<Released>(t.Release(_a, t.Acquire(_a, "k")));

        Assert.Equal(new IActorRef[] { _a }, t.Effects.Unwatches);
        Assert.Equal(0, t.Effects.IdleSweepsStarted);
    }

    [Fact]
    public void Settings_out_of_range_are_refused_naming_the_value()
    {
        var time = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LockManagerSettings { IdleOwnerWatchTime = TimeSpan.FromSeconds(-2) });
        Assert.Equal(nameof(LockManagerSettings.IdleOwnerWatchTime), time.ParamName);
        Assert.Contains("-00:00:02", time.Message);

        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LockManagerSettings { IdleOwnerWatchTime = TimeSpan.FromDays(2) });
        Assert.Contains("2.00:00:00", tooLong.Message);

        var max = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LockManagerSettings { MaxIdleOwnersWatched = -1 });
        Assert.Equal(nameof(LockManagerSettings.MaxIdleOwnersWatched), max.ParamName);
        Assert.Contains("-1", max.Message);
    }

    [Fact]
    public void A_manager_restart_drops_the_idle_owners_too()
    {
        LockAndRelease(_a, "k");

        _t.Table.DropAll("restarted");

        Assert.Equal(0, _t.Table.IdleOwnerCount);
        Assert.Equal(0, _t.Table.PartyCount);
        Assert.False(_t.Table.SweepIdleOwners());
    }
}
