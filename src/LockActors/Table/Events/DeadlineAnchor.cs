namespace LockActors.Table.Events;

/// <summary>
/// One moment read on both the table's clock (milliseconds, see <see cref="DeadlineClock"/>) and the
/// wall clock (UTC ticks): it converts a wait's deadline between them, so a recorded deadline keeps
/// the wait's remaining time in a table that replays it in another process.
/// </summary>
/// <param name="TableMs">The moment on the table's clock.</param>
/// <param name="UtcTicks">The same moment in UTC ticks.</param>
internal readonly record struct DeadlineAnchor(long TableMs, long UtcTicks)
{
    /// <summary>An anchor read now from both clocks.</summary>
    public static DeadlineAnchor Now() => new(DeadlineClock.NowRoundedUp(), DateTime.UtcNow.Ticks);

    /// <summary>A deadline on the table's clock as UTC ticks; <see cref="LockTableEvents.NoDeadline"/> for <see cref="LockTable.Never"/>.</summary>
    public long ToUtcTicks(long deadline)
    {
        if (deadline == LockTable.Never)
        {
            return LockTableEvents.NoDeadline;
        }

        var ticks = (Int128)UtcTicks + ((Int128)deadline - TableMs) * TimeSpan.TicksPerMillisecond;
        return (long)Int128.Clamp(ticks, 0, LockTableEvents.NoDeadline - 1);
    }

    /// <summary>UTC ticks as a deadline on the table's clock, rounded up so it is never early; <see cref="LockTable.Never"/> for <see cref="LockTableEvents.NoDeadline"/>.</summary>
    public long ToTableMs(long utcTicks)
    {
        if (utcTicks == LockTableEvents.NoDeadline)
        {
            return LockTable.Never;
        }

        var delta = (Int128)utcTicks - UtcTicks;
        var ms = delta / TimeSpan.TicksPerMillisecond + (delta % TimeSpan.TicksPerMillisecond > 0 ? 1 : 0);
        return (long)Int128.Clamp(TableMs + ms, long.MinValue + 1, LockTable.Never - 1);
    }
}
