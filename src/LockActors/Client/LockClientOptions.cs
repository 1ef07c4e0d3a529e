using Akka.Actor;
using LockActors.Validation;

namespace LockActors;

/// <summary>
/// Options of a <see cref="LockClient"/>: immutable, each value checked when it is set (also in a
/// <c>with</c> expression).
/// </summary>
public sealed record LockClientOptions
{
    /// <summary>The default of <see cref="RequestTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest <see cref="RequestTimeout"/>: 4,294,967,294 ms (about 49.7 days), the longest a .NET timer waits.</summary>
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Every option at its default.</summary>
    public static LockClientOptions Default { get; } = new();

    /// <summary>
    /// The actor that owns every lock this client takes (typically <c>Self</c> inside an actor).
    /// When null, each handle gets its own lightweight owner (an actor reference the manager watches,
    /// not an actor), so two handles of one client that are held at the same time are independent.
    /// Once a handle's lock has ended cleanly (released or given away, as the manager confirmed) its
    /// owner holds nothing and may serve a later handle of the same client; an owner whose lock ended
    /// otherwise (a time-out, a cancellation, a loss) is stopped, so the manager frees what it held.
    /// </summary>
    /// <remarks>
    /// The manager tells waits apart by owner and key: with an explicit owner, cancelling one wait
    /// also withdraws that owner's other pending waits on the same keys (each gets
    /// <see cref="OperationCanceledException"/>).
    /// </remarks>
    /// <exception cref="ArgumentException">The value is <c>Nobody</c> or another reference that is no actor.</exception>
    public IActorRef? Owner
    {
        get;
        init => field = value is not null && value.IsNobody()
            ? throw new ArgumentException($"{nameof(Owner)} {value} is no actor.", nameof(Owner))
            : value;
    }

    /// <summary>
    /// How long to wait for the answer to a request that does not wait for a lock (try-lock,
    /// release, give-away, where-is…), and how long past its own timeout a wait may stay
    /// unanswered before the client gives up on it. Default <see cref="DefaultRequestTimeout"/>;
    /// positive, at most <see cref="MaxRequestTimeout"/>.
    /// </summary>
    /// <remarks>
    /// One clock serves all of a client's try-locks, releases and give-aways: such a request fails
    /// no sooner than this after it was sent (to within the system tick, a few milliseconds), and at
    /// most a quarter of it later (on a machine that runs the clock's timer on time).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive or above <see cref="MaxRequestTimeout"/>.</exception>
    public TimeSpan RequestTimeout
    {
        get;
        init => field = RequestRules.PositiveUpTo(value, MaxRequestTimeout, nameof(RequestTimeout)) is { } error ? throw error : value;
    } = DefaultRequestTimeout;
}
