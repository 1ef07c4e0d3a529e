using Akka.Actor;
using Akka.Hosting;

namespace LockActors.Hosting;

/// <summary>
/// Starts a <see cref="LockManager"/> with Akka.Hosting and registers it in the
/// <see cref="ActorRegistry"/> under the key type <see cref="LockManager"/>, so that code with
/// dependency injection asks for <see cref="IRequiredActor{TKey}"/> of <see cref="LockManager"/>.
/// </summary>
/// <remarks>
/// <para>The manager runs as the only child of a small guardian actor named after the
/// <c>name</c> given to <c>WithLockManager</c>; the guardian supervises it with the chosen
/// <see cref="SupervisorStrategy"/> (<see cref="DefaultSupervisorStrategy"/> unless one is
/// given). The registered reference is the manager itself, so it takes every request of the
/// protocol directly, replies go straight to the sender, and it stays valid across restarts.
/// Messages sent to the guardian's path are forwarded to the manager with their sender.</para>
/// <para>Settings: the manager reads the <c>lockactors.manager</c> section of the actor system's
/// HOCON (every key documented in the package's <c>reference.conf</c>, which fills in what the
/// application leaves out); the <c>configure</c> function receives those settings and returns the
/// ones to use, so code overrides HOCON, and can apply an appsettings section in between with
/// <see cref="LockManagerConfiguration.FromConfiguration"/>.</para>
/// <para>Several managers: each key type of the <see cref="ActorRegistry"/> holds one manager, so
/// give each further manager its own key with <c>WithLockManager&lt;TKey&gt;</c>; a second
/// manager under the same key fails when the actor system starts. Register a client of each with
/// <see cref="LockClientServiceCollectionExtensions.AddLockClient{TKey}"/>.</para>
/// <para>Wire format: <c>WithLockManager</c> binds <see cref="LockActors.Serialization.LockProtocolSerializer"/>
/// to every message of the protocol (see <see cref="LockActorsSerializationHostingExtensions.WithLockActorsSerialization"/>);
/// bind it on every other node that talks to the manager too.</para>
/// <para>Logging: the manager logs through Akka's logging (unknown messages, lost locks,
/// failed asynchronous releases). To send Akka's log events to Microsoft.Extensions.Logging,
/// and from there to Serilog or any other provider, use Akka.Hosting's logger-factory bridge;
/// for Serilog register it with <c>services.AddSerilog(…)</c> (package
/// Serilog.Extensions.Hosting). Message templates keep their named properties, for example
/// <c>UnknownMessage</c>, <c>MessageType</c> and <c>Sender</c>.</para>
/// </remarks>
/// <example>
/// <code>
/// services.AddSerilog(Log.Logger);
/// services.AddAkka("app", builder => builder
///     .ConfigureLoggers(loggers =>
///     {
///         loggers.ClearLoggers();
///         loggers.AddLoggerFactory();   // Akka log events go to the host's ILoggerFactory
///     })
///     .WithLockManager("locks", s => s with { Metadata = "orders-db" }));
/// services.AddLockClient();
///
/// // anywhere with dependency injection:
/// public sealed class OrderService(ILockClient locks)
/// {
///     public Task ShipAsync(int order) =&gt; locks.WithLockAsync($"order:{order}", handle =&gt; ShipUnderLockAsync(order, handle.FencingToken));
/// }
/// </code>
/// </example>
public static class LockManagerHostingExtensions
{
    /// <summary>How long the actor system's start waits for the guardian to report its manager.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The supervisor strategy a hosted manager gets when none is given: restart the manager on
    /// any exception, <see cref="ActorKilledException"/> included, as often as it happens; stop
    /// it only on <see cref="ActorInitializationException"/>, because a manager that cannot be
    /// created would fail again on every restart.
    /// </summary>
    /// <remarks>
    /// <para>Akka's own default strategy stops, rather than restarts, an actor that receives
    /// <see cref="Kill"/>. For a lock service that would leave the registered reference dead,
    /// so here a <see cref="Kill"/> restarts the manager like any other failure.</para>
    /// <para>A restart drops the manager's state, and never silently: every owner is sent
    /// <see cref="LockLost"/> for each grant it held, and every pending <see cref="Await"/> or
    /// <see cref="AwaitAll"/> is answered <see cref="LockRefused"/> with
    /// <see cref="RefusalReason.ManagerRestarted"/>. The registered reference keeps working and
    /// the restarted manager starts empty with the same settings.</para>
    /// </remarks>
    public static SupervisorStrategy DefaultSupervisorStrategy { get; } = new OneForOneStrategy(
        exception => exception is ActorInitializationException ? Directive.Stop : Directive.Restart);

    /// <summary>
    /// Starts a <see cref="LockManager"/> supervised with <see cref="DefaultSupervisorStrategy"/>
    /// and registers it under the key type <see cref="LockManager"/>.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="name">The name of the manager's guardian actor (path <c>/user/{name}</c>); must be a valid, non-empty actor name.</param>
    /// <param name="configure">Returns the manager's settings from those read from the actor system's HOCON (<c>lockactors.manager</c>, defaults from <c>reference.conf</c>), e.g. <c>s =&gt; s with { Metadata = "orders-db" }</c>; null keeps them. Runs once, when the actor system starts; an exception it throws (a setting out of range, say) fails the start.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name.</exception>
    /// <example>
    /// <code>
    /// services.AddAkka("app", builder => builder.WithLockManager("locks", s => s with { Metadata = "orders-db" }));
    /// </code>
    /// </example>
    public static AkkaConfigurationBuilder WithLockManager(
        this AkkaConfigurationBuilder builder,
        string name,
        Func<LockManagerSettings, LockManagerSettings>? configure = null) =>
        builder.WithLockManager<LockManager>(name, DefaultSupervisorStrategy, configure);

    /// <summary>
    /// Starts a <see cref="LockManager"/> supervised with <paramref name="strategy"/> and registers
    /// it under the key type <see cref="LockManager"/>.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="name">The name of the manager's guardian actor (path <c>/user/{name}</c>); must be a valid, non-empty actor name.</param>
    /// <param name="strategy">
    /// How the guardian handles a failure of the manager. A restart keeps the registered reference
    /// valid (the restarted manager starts empty and reports every lost lock); a stop ends the
    /// lock service: the guardian stops with it and the registered reference is dead.
    /// </param>
    /// <param name="configure">Returns the manager's settings from those read from the actor system's HOCON (<c>lockactors.manager</c>, defaults from <c>reference.conf</c>), e.g. <c>s =&gt; s with { Metadata = "orders-db" }</c>; null keeps them. Runs once, when the actor system starts; an exception it throws (a setting out of range, say) fails the start.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="strategy"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name.</exception>
    /// <example>
    /// <code>
    /// // give up after 3 failures within a minute instead of restarting for ever
    /// var strategy = new OneForOneStrategy(3, TimeSpan.FromMinutes(1), _ => Directive.Restart);
    /// services.AddAkka("app", builder => builder.WithLockManager("locks", strategy, s => s with { MaxKeysPerRequest = 64 }));
    /// </code>
    /// </example>
    public static AkkaConfigurationBuilder WithLockManager(
        this AkkaConfigurationBuilder builder,
        string name,
        SupervisorStrategy strategy,
        Func<LockManagerSettings, LockManagerSettings>? configure = null) =>
        builder.WithLockManager<LockManager>(name, strategy, configure);

    /// <summary>
    /// Starts a <see cref="LockManager"/> supervised with <see cref="DefaultSupervisorStrategy"/>
    /// and registers it under the key type <typeparamref name="TKey"/>, so that one actor system
    /// can run several managers, each under its own key.
    /// </summary>
    /// <typeparam name="TKey">The key of the manager in the <see cref="ActorRegistry"/> (any type, typically an empty marker class).</typeparam>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="name">The name of the manager's guardian actor (path <c>/user/{name}</c>); must be a valid, non-empty actor name.</param>
    /// <param name="configure">Returns the manager's settings from those read from the actor system's HOCON (<c>lockactors.manager</c>, defaults from <c>reference.conf</c>), e.g. <c>s =&gt; s with { Metadata = "orders-db" }</c>; null keeps them. Runs once, when the actor system starts; an exception it throws (a setting out of range, say) fails the start.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name.</exception>
    /// <example>
    /// <code>
    /// public sealed class OrderLocks;
    /// public sealed class StockLocks;
    ///
    /// services.AddAkka("app", builder => builder
    ///     .WithLockManager&lt;OrderLocks&gt;("order-locks")
    ///     .WithLockManager&lt;StockLocks&gt;("stock-locks", s => s with { MaxKeysPerRequest = 64 }));
    /// services.AddLockClient&lt;OrderLocks&gt;().AddLockClient&lt;StockLocks&gt;();
    /// </code>
    /// </example>
    public static AkkaConfigurationBuilder WithLockManager<TKey>(
        this AkkaConfigurationBuilder builder,
        string name,
        Func<LockManagerSettings, LockManagerSettings>? configure = null) =>
        builder.WithLockManager<TKey>(name, DefaultSupervisorStrategy, configure);

    /// <summary>
    /// Starts a <see cref="LockManager"/> supervised with <paramref name="strategy"/> and registers
    /// it under the key type <typeparamref name="TKey"/>.
    /// </summary>
    /// <typeparam name="TKey">The key of the manager in the <see cref="ActorRegistry"/> (any type, typically an empty marker class).</typeparam>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="name">The name of the manager's guardian actor (path <c>/user/{name}</c>); must be a valid, non-empty actor name.</param>
    /// <param name="strategy">
    /// How the guardian handles a failure of the manager. A restart keeps the registered reference
    /// valid (the restarted manager starts empty and reports every lost lock); a stop ends the
    /// lock service: the guardian stops with it and the registered reference is dead.
    /// </param>
    /// <param name="configure">Returns the manager's settings from those read from the actor system's HOCON (<c>lockactors.manager</c>, defaults from <c>reference.conf</c>), e.g. <c>s =&gt; s with { Metadata = "orders-db" }</c>; null keeps them. Runs once, when the actor system starts; an exception it throws (a setting out of range, say) fails the start.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="strategy"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithLockManager<TKey>(
        this AkkaConfigurationBuilder builder,
        string name,
        SupervisorStrategy strategy,
        Func<LockManagerSettings, LockManagerSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(strategy);
        LockManagerName.Check(name);

        // The reference defaults become part of the system's configuration, below anything the
        // application sets, so the system's config shows every lockactors setting.
        builder.AddHocon(LockManagerSettings.DefaultConfig(), HoconAddMode.Append);

        // Every message of the protocol crosses the wire in its own compact format.
        builder.WithLockActorsSerialization();

        // An ActorStarter returns a Task that the host awaits, so the manager is registered
        // before the actor system counts as started.
        ActorStarter start = async (system, registry) =>
        {
            var fromHocon = LockManagerSettings.Create(system);
            var settings = configure is null ? fromHocon : configure(fromHocon)
                ?? throw new ArgumentException("The settings function returned null; return the settings to use.", nameof(configure));
            var guardian = system.ActorOf(LockManagerGuardian.Props(settings, strategy), name);

            // The guardian creates the manager in its constructor, before it takes any message,
            // so this answer is the manager's reference whatever the timing.
            var manager = await guardian.Ask<IActorRef>(LockManagerGuardian.GetManager.Instance, StartTimeout)
                .ConfigureAwait(false);
            registry.Register<TKey>(manager);
        };
        return builder.WithActors(start);
    }
}
