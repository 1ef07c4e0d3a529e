using System.Diagnostics;

namespace LockActors.Table;

/// <summary>
/// The lock manager's clock, in milliseconds: monotonic and read at the resolution of
/// <see cref="Stopwatch"/>. Deadlines are set from it rounded up and checked against it rounded
/// down, so a wait never times out before its timeout has passed since its request arrived.
/// </summary>
internal static class DeadlineClock
{
    /// <summary>Now, rounded up to the next whole millisecond: for setting deadlines.</summary>
    public static long NowRoundedUp() => Milliseconds(Stopwatch.GetTimestamp(), roundUp: true);

    /// <summary>Now, rounded down to a whole millisecond: for checking deadlines.</summary>
    public static long NowRoundedDown() => Milliseconds(Stopwatch.GetTimestamp(), roundUp: false);

    /// <summary>A <see cref="Stopwatch"/> timestamp in whole milliseconds, rounded as asked.</summary>
    public static long Milliseconds(long timestamp, bool roundUp)
    {
        var frequency = Stopwatch.Frequency;

        // Whole seconds and the rest apart, so the product cannot overflow however long the machine runs.
        var rest = timestamp % frequency * 1000;
        var ms = timestamp / frequency * 1000 + rest / frequency;
        return roundUp && rest % frequency != 0 ? ms + 1 : ms;
    }
}
