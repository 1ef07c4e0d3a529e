using Akka.Actor;
using Akka.Configuration;
using LockActors.Configuration;
using LockActors.Validation;

namespace LockActors;

/// <summary>
/// Settings of one <see cref="LockManager"/>: immutable, each value checked when it is set (also in
/// a <c>with</c> expression), changed by copy.
/// </summary>
/// <example>
/// <code>
/// var settings = LockManagerSettings.Default with { Metadata = "orders-db", DefaultAwaitTimeout = TimeSpan.FromSeconds(2) };
/// var locks = system.ActorOf(LockManager.Props(settings), "locks");
/// </code>
/// </example>
public sealed record LockManagerSettings
{
    /// <summary>The default of <see cref="MaxKeysPerRequest"/>.</summary>
    public const int DefaultMaxKeysPerRequest = 1024;

    /// <summary>The default of <see cref="MaxIdleOwnersWatched"/>.</summary>
    public const int DefaultMaxIdleOwnersWatched = 1000;

    /// <summary>The largest <see cref="IdleOwnerWatchTime"/>: one day (the manager's timers are not meant for longer periods).</summary>
    public static readonly TimeSpan MaxIdleOwnerWatchTime = TimeSpan.FromDays(1);

    /// <summary>Every setting at its default (the values of the embedded <c>reference.conf</c>).</summary>
    public static LockManagerSettings Default { get; } = new();

    /// <summary>
    /// The embedded <c>reference.conf</c>: the <c>lockactors.manager</c> section with every
    /// setting at its default, each documented.
    /// </summary>
    /// <returns>The reference configuration (a fallback for an application's own HOCON).</returns>
    public static Config DefaultConfig() => LockManagerConfigReader.Reference;

    /// <summary>
    /// Settings from the <c>lockactors.manager</c> section of <paramref name="system"/>'s
    /// configuration; a key it leaves out takes the value of the embedded <c>reference.conf</c>.
    /// </summary>
    /// <param name="system">The actor system whose configuration is read.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="system"/> is null.</exception>
    /// <exception cref="ConfigurationException">A value is malformed or out of range; the message names its path (e.g. <c>lockactors.manager.default-await-timeout</c>) and the value.</exception>
    /// <example>
    /// <code>
    /// // application.conf: lockactors.manager.default-await-timeout = 2s
    /// var locks = system.ActorOf(LockManager.Props(LockManagerSettings.Create(system)), "locks");
    /// </code>
    /// </example>
    public static LockManagerSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return LockManagerConfigReader.Read(system);
    }

    /// <summary>
    /// Settings from <paramref name="config"/>, a section shaped as <c>lockactors.manager</c>
    /// (keys <c>default-await-timeout</c>, <c>max-keys-per-request</c>, <c>idle-owner-watch-time</c>,
    /// <c>max-idle-owners-watched</c>, <c>metrics-per-key-tags</c>, <c>metadata</c>); a key it leaves out takes the value of the
    /// embedded <c>reference.conf</c>.
    /// </summary>
    /// <param name="config">The section (for instance <c>system.Settings.Config.GetConfig("my-locks")</c>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ConfigurationException">A value is malformed or out of range; the message names its key (prefixed with <c>lockactors.manager.</c>) and the value.</exception>
    public static LockManagerSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return LockManagerConfigReader.Read(config, LockManagerConfigReader.SectionPath);
    }

    /// <summary>Attached to every grant (<see cref="LockGrant.Metadata"/>) and returned by <see cref="GetMeta"/>. Default null.</summary>
    public object? Metadata { get; init; }

    /// <summary>
    /// How long an <see cref="Await"/> or <see cref="AwaitAll"/> without a timeout waits. Default
    /// 5 seconds, as the Elixir library's <c>await/3</c> (whose <c>await_all/2</c> waits forever:
    /// here both verbs share one default, so a forgotten timeout never hangs a caller). Must be
    /// positive or <see cref="Timeout.InfiniteTimeSpan"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than infinite).</exception>
    public TimeSpan DefaultAwaitTimeout
    {
        get;
        init => field = RequestRules.PositiveOrInfinite(value, nameof(DefaultAwaitTimeout)) is { } error ? throw error : value;
    } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The largest key list a request may carry; longer lists are refused with
    /// <see cref="RefusalReason.InvalidRequest"/>. Default 1024; must be at least 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxKeysPerRequest
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxKeysPerRequest), value, $"{nameof(MaxKeysPerRequest)} must be at least 1, got {value}.");
    } = DefaultMaxKeysPerRequest;

    /// <summary>
    /// How long an owner that holds and waits for nothing any more stays watched, so that an actor
    /// that locks again soon (one that takes a lock per message, say) is not unwatched and watched
    /// again every time: each costs a system message to the owner and Akka's bookkeeping on both
    /// sides. The manager unwatches such an owner between this and twice this after it went idle.
    /// Default 1 second; <see cref="TimeSpan.Zero"/> unwatches at once. Must be from zero to one day.
    /// Keeping an idle owner watched changes nothing it can observe: it holds nothing, so its
    /// termination frees nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above <see cref="MaxIdleOwnerWatchTime"/>.</exception>
    public TimeSpan IdleOwnerWatchTime
    {
        get;
        init => field = value >= TimeSpan.Zero && value <= MaxIdleOwnerWatchTime
            ? value
            : throw new ArgumentOutOfRangeException(nameof(IdleOwnerWatchTime), value,
                $"{nameof(IdleOwnerWatchTime)} must be from zero to {MaxIdleOwnerWatchTime}, got {value}.");
    } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most owners kept watched while they hold and wait for nothing (see
    /// <see cref="IdleOwnerWatchTime"/>); beyond it the one idle longest is unwatched. Default 1000;
    /// 0 unwatches at once. Must not be negative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxIdleOwnersWatched
    {
        get;
        init => field = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxIdleOwnersWatched), value,
                $"{nameof(MaxIdleOwnersWatched)} must be zero or positive, got {value}.");
    } = DefaultMaxIdleOwnersWatched;

    /// <summary>
    /// True to tag the manager's counters and histograms with the request's key(s)
    /// (<see cref="LockDiagnostics.KeyTag"/>), so a dashboard can show which keys are granted, busy or
    /// waited for most. Default false: every distinct key becomes its own time series in the metrics
    /// backend, which only a manager with few, known keys can afford.
    /// </summary>
    public bool MetricsPerKeyTags { get; init; }
}
