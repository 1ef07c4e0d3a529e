using System.Diagnostics;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

// Guarantee: the manager's clock never makes a wait time out early. Read for setting a deadline
// it is never behind the exact time, read for checking one it is never ahead of it, at the
// resolution of Stopwatch (a clock that moves in coarse steps is behind by up to a step).
public sealed class DeadlineClockSpecs
{
    [Fact]
    public void Read_rounded_up_the_clock_is_never_behind_the_exact_time_and_rounded_down_never_ahead()
    {
        var frequency = Stopwatch.Frequency;
        for (var i = 0; i < 100_000; i++)
        {
            var before = Stopwatch.GetTimestamp();
            var up = DeadlineClock.NowRoundedUp();
            var down = DeadlineClock.NowRoundedDown();
            var after = Stopwatch.GetTimestamp();

            // up ms ≥ before ticks, and down ms ≤ after ticks, compared exactly in ticks × 1000.
            Assert.True((Int128)up * frequency >= (Int128)before * 1000,
                $"rounded up, the clock read {up} ms, behind the exact {before * 1000.0 / frequency:F3} ms");
            Assert.True((Int128)down * frequency <= (Int128)after * 1000,
                $"rounded down, the clock read {down} ms, ahead of the exact {after * 1000.0 / frequency:F3} ms");
        }
    }

    [Theory]
    [InlineData(0L, false, 0L)]
    [InlineData(1L, false, 0L)]
    [InlineData(1L, true, 1L)]
    public void Whole_milliseconds_are_rounded_as_asked(long timestamp, bool roundUp, long expected) =>
        Assert.Equal(expected, DeadlineClock.Milliseconds(timestamp, roundUp));

    [Fact]
    public void A_timestamp_of_whole_seconds_is_not_rounded_and_one_tick_more_is_rounded_up()
    {
        var fiveSeconds = 5 * Stopwatch.Frequency;

        Assert.Equal(5_000, DeadlineClock.Milliseconds(fiveSeconds, roundUp: true));
        Assert.Equal(5_000, DeadlineClock.Milliseconds(fiveSeconds + 1, roundUp: false));
        Assert.Equal(5_001, DeadlineClock.Milliseconds(fiveSeconds + 1, roundUp: true));
    }
}
