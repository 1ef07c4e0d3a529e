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
/// <para>One manager per actor system can be registered under <see cref="LockManager"/>;
/// a second <c>WithLockManager</c> on the same builder fails when the actor system starts.</para>
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
///
/// // anywhere with dependency injection:
/// public sealed class OrderService(IRequiredActor&lt;LockManager&gt; locks)
/// {
///     public async Task&lt;LockClient&gt; ClientAsync() =&gt; new LockClient(await locks.GetAsync());
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
    /// <param name="configure">Returns the manager's settings from the defaults it is given (e.g. <c>s =&gt; s with { Metadata = "orders-db" }</c>); null keeps the defaults. Runs once, when this method is called.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name, or <paramref name="configure"/> returned null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it and its value.</exception>
    /// <example>
    /// <code>
    /// services.AddAkka("app", builder => builder.WithLockManager("locks", s => s with { Metadata = "orders-db" }));
    /// </code>
    /// </example>
    public static AkkaConfigurationBuilder WithLockManager(
        this AkkaConfigurationBuilder builder,
        string name,
        Func<LockManagerSettings, LockManagerSettings>? configure = null) =>
        builder.WithLockManager(name, DefaultSupervisorStrategy, configure);

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
    /// <param name="configure">Returns the manager's settings from the defaults it is given (e.g. <c>s =&gt; s with { Metadata = "orders-db" }</c>); null keeps the defaults. Runs once, when this method is called.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="strategy"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name, or <paramref name="configure"/> returned null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it and its value.</exception>
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
        Func<LockManagerSettings, LockManagerSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(strategy);
        if (name.Length == 0)
        {
            throw new ArgumentException("The lock manager's name must not be empty.", nameof(name));
        }

        if (!ActorPath.IsValidPathElement(name))
        {
            throw new ArgumentException(
                $"The lock manager's name \"{name}\" is not a valid actor name (an actor name is one path element, not starting with '$').",
                nameof(name));
        }

        var settings = configure is null ? LockManagerSettings.Default : configure(LockManagerSettings.Default)
            ?? throw new ArgumentException("The settings function returned null; return the settings to use.", nameof(configure));

        // An ActorStarter returns a Task that the host awaits, so the manager is registered
        // before the actor system counts as started.
        ActorStarter start = async (system, registry) =>
        {
            var guardian = system.ActorOf(LockManagerGuardian.Props(settings, strategy), name);

            // The guardian creates the manager in its constructor, before it takes any message,
            // so this answer is the manager's reference whatever the timing.
            var manager = await guardian.Ask<IActorRef>(LockManagerGuardian.GetManager.Instance, StartTimeout)
                .ConfigureAwait(false);
            registry.Register<LockManager>(manager);
        };
        return builder.WithActors(start);
    }
}
