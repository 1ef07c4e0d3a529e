namespace LockActors;

/// <summary>
/// Settings of one <see cref="LockManager"/>. The manager validates and copies them when it
/// is created, so later changes to this object do not affect a running manager.
/// </summary>
/// <example>
/// <code>
/// var locks = system.ActorOf(LockManager.Props(new LockManagerSettings
/// {
///     Metadata = "orders-db",
///     DefaultAwaitTimeout = TimeSpan.FromSeconds(5),
/// }), "locks");
/// </code>
/// </example>
public sealed class LockManagerSettings
{
    /// <summary>The default of <see cref="MaxKeysPerRequest"/>.</summary>
    public const int DefaultMaxKeysPerRequest = 1024;

    /// <summary>The default of <see cref="MaxIdleOwnersWatched"/>.</summary>
    public const int DefaultMaxIdleOwnersWatched = 1000;

    /// <summary>The largest <see cref="IdleOwnerWatchTime"/>: one day (the manager's timers are not meant for longer periods).</summary>
    public static readonly TimeSpan MaxIdleOwnerWatchTime = TimeSpan.FromDays(1);

    /// <summary>Attached to every grant (<see cref="LockGrant.Metadata"/>) and returned by <see cref="GetMeta"/>. Default null.</summary>
    public object? Metadata { get; set; }

    /// <summary>
    /// How long an <see cref="Await"/> without a timeout waits. Default 5 seconds. Must be positive
    /// or <see cref="Timeout.InfiniteTimeSpan"/>.
    /// </summary>
    public TimeSpan DefaultAwaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an <see cref="AwaitAll"/> without a timeout waits. Default
    /// <see cref="Timeout.InfiniteTimeSpan"/>, as in the Elixir library. Must be positive or infinite.
    /// </summary>
    public TimeSpan DefaultAwaitAllTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The largest key list a request may carry; longer lists are refused with
    /// <see cref="RefusalReason.InvalidRequest"/>. Default 1024; must be at least 1.
    /// </summary>
    public int MaxKeysPerRequest { get; set; } = DefaultMaxKeysPerRequest;

    /// <summary>
    /// How long an owner that holds and waits for nothing any more stays watched, so that an actor
    /// that locks again soon (one that takes a lock per message, say) is not unwatched and watched
    /// again every time: each costs a system message to the owner and Akka's bookkeeping on both
    /// sides. The manager unwatches such an owner between this and twice this after it went idle.
    /// Default 1 second; <see cref="TimeSpan.Zero"/> unwatches at once. Must be from zero to one day.
    /// Keeping an idle owner watched changes nothing it can observe: it holds nothing, so its
    /// termination frees nothing.
    /// </summary>
    public TimeSpan IdleOwnerWatchTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most owners kept watched while they hold and wait for nothing (see
    /// <see cref="IdleOwnerWatchTime"/>); beyond it the one idle longest is unwatched. Default 1000;
    /// 0 unwatches at once. Must not be negative.
    /// </summary>
    public int MaxIdleOwnersWatched { get; set; } = DefaultMaxIdleOwnersWatched;

    /// <summary>Returns a validated copy of these settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A timeout is zero or negative (other than infinite), <see cref="MaxKeysPerRequest"/> is below 1, <see cref="IdleOwnerWatchTime"/> is negative or above a day, or <see cref="MaxIdleOwnersWatched"/> is negative.</exception>
    public LockManagerSettings Validated()
    {
        CheckTimeout(DefaultAwaitTimeout, nameof(DefaultAwaitTimeout));
        CheckTimeout(DefaultAwaitAllTimeout, nameof(DefaultAwaitAllTimeout));
        if (MaxKeysPerRequest < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeysPerRequest), MaxKeysPerRequest,
                $"{nameof(MaxKeysPerRequest)} must be at least 1, got {MaxKeysPerRequest}.");
        }

        if (IdleOwnerWatchTime < TimeSpan.Zero || IdleOwnerWatchTime > MaxIdleOwnerWatchTime)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleOwnerWatchTime), IdleOwnerWatchTime,
                $"{nameof(IdleOwnerWatchTime)} must be from zero to {MaxIdleOwnerWatchTime}, got {IdleOwnerWatchTime}.");
        }

        if (MaxIdleOwnersWatched < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIdleOwnersWatched), MaxIdleOwnersWatched,
                $"{nameof(MaxIdleOwnersWatched)} must be zero or positive, got {MaxIdleOwnersWatched}.");
        }

        return new LockManagerSettings
        {
            Metadata = Metadata,
            DefaultAwaitTimeout = DefaultAwaitTimeout,
            DefaultAwaitAllTimeout = DefaultAwaitAllTimeout,
            MaxKeysPerRequest = MaxKeysPerRequest,
            IdleOwnerWatchTime = IdleOwnerWatchTime,
            MaxIdleOwnersWatched = MaxIdleOwnersWatched,
        };
    }

    private static void CheckTimeout(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be positive or Timeout.InfiniteTimeSpan, got {value}.");
        }
    }
}
