namespace LockActors.Table;

/// <summary>
/// When a wait request arrived, for its deadline: read from <see cref="DeadlineClock"/> only if
/// the request needs it (it is queued or timed out at once), or given (a table driven by a test).
/// </summary>
/// <remarks>
/// A wait granted at once needs no time, so such a request reads no clock. Read later in the same
/// message, the time is still not before the request arrived, so a deadline set from it is never early.
/// </remarks>
internal readonly struct RequestTime
{
    private readonly long _given;
    private readonly bool _isGiven;

    private RequestTime(long given)
    {
        _given = given;
        _isGiven = true;
    }

    /// <summary>The time is read from the manager's clock when first needed.</summary>
    public static RequestTime FromClock => default;

    /// <summary>A given time, in the milliseconds of <see cref="DeadlineClock"/>.</summary>
    /// <param name="now">The time.</param>
    public static implicit operator RequestTime(long now) => new(now);

    /// <summary>The time: the given one, else the clock now, rounded up (it sets deadlines).</summary>
    public long Read() => _isGiven ? _given : DeadlineClock.NowRoundedUp();
}
