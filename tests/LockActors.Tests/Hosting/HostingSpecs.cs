// Guarantee: a lock manager added with WithLockManager is started under its guardian, is
// reachable through IRequiredActor<LockManager> and the ActorRegistry as the manager itself,
// is supervised by the strategy the application chose (by default a Kill restarts it and the
// owners hear about their lost locks), and logs through the host's ILoggerFactory when Akka's
// logger-factory bridge is configured.

using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace LockActors.Tests.Hosting;

public sealed class HostingSpecs
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Hosted_manager_is_resolved_from_DI_and_the_registry_and_grants_with_its_metadata()
    {
        using var host = await StartHostAsync(b => b.WithLockManager("locks", s => s with { Metadata = "orders-db" }));
        try
        {
            var required = host.Services.GetRequiredService<IRequiredActor<LockManager>>();
            var manager = await required.GetAsync();
            var system = host.Services.GetRequiredService<ActorSystem>();

            Assert.Equal(manager, ActorRegistry.For(system).Get<LockManager>());
            Assert.Equal("/user/locks/manager", manager.Path.ToStringWithoutAddress());

            var meta = await manager.Ask<ManagerMeta>(GetMeta.Instance, Patience);
            Assert.Equal("orders-db", meta.Metadata);

            var owner = RecorderHandle.Start(system, "owner");
            var acquired = await manager.Ask<LockAcquired>(new TryLock("order:1") { Owner = owner.Ref }, Patience);
            Assert.Equal(owner.Ref, acquired.Grant.Owner);
            Assert.Equal("order:1", acquired.Grant.Key);
            Assert.Equal("orders-db", acquired.Grant.Metadata);

            // The guardian's own path forwards to the manager, sender preserved.
            var status = await system.ActorSelection("/user/locks").Ask<KeyStatus>(new Inspect("order:1"), Patience);
            Assert.Equal(owner.Ref, status.Owner);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Default_strategy_restarts_a_killed_manager_and_tells_owners_and_waiters()
    {
        using var host = await StartHostAsync(b => b.WithLockManager("locks", s => s with { Metadata = "orders-db" }));
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var manager = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
            var owner = RecorderHandle.Start(system, "owner");
            var waiter = RecorderHandle.Start(system, "waiter");

            var acquired = await manager.Ask<LockAcquired>(new TryLock("k") { Owner = owner.Ref }, Patience);
            manager.Tell(new Await("k", Timeout.InfiniteTimeSpan), waiter.Ref);
            var status = await manager.Ask<KeyStatus>(new Inspect("k"), Patience);
            Assert.Equal([waiter.Ref], status.Waiters);

            manager.Tell(Kill.Instance);

            var lost = await owner.ExpectAsync<LockLost>();
            Assert.Equal(acquired.Grant.FencingToken, lost.Grant.FencingToken);
            Assert.Equal(["k"], lost.Grant.Keys);
            var refused = await waiter.ExpectAsync<LockRefused>();
            Assert.Equal(RefusalReason.ManagerRestarted, refused.Cause);
            Assert.Equal("k", refused.Key);

            // The registered reference still serves, with the same settings and an empty table.
            Assert.Equal(manager, ActorRegistry.For(system).Get<LockManager>());
            var meta = await manager.Ask<ManagerMeta>(GetMeta.Instance, Patience);
            Assert.Equal("orders-db", meta.Metadata);
            var again = await manager.Ask<LockAcquired>(new TryLock("k") { Owner = waiter.Ref }, Patience);
            Assert.Equal(waiter.Ref, again.Grant.Owner);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Custom_strategy_is_used_a_stopping_strategy_ends_the_manager_on_Kill()
    {
        var stopOnAnything = new OneForOneStrategy(_ => Directive.Stop);
        using var host = await StartHostAsync(b => b.WithLockManager("locks", stopOnAnything, s => s with { Metadata = "m" }));
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var manager = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
            var guardian = await system.ActorSelection("/user/locks").ResolveOne(Patience);
            var owner = RecorderHandle.Start(system, "owner");
            await manager.Ask<LockAcquired>(new TryLock("k") { Owner = owner.Ref }, Patience);

            var managerGone = manager.WatchAsync();
            var guardianGone = guardian.WatchAsync();
            manager.Tell(Kill.Instance);

            Assert.True(await managerGone.WaitAsync(Patience));
            Assert.True(await guardianGone.WaitAsync(Patience));
            var lost = await owner.ExpectAsync<LockLost>();
            Assert.Equal(["k"], lost.Grant.Keys);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void WithLockManager_rejects_a_bad_name_before_anything_starts()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "validation");

        var empty = Assert.Throws<ArgumentException>(() => builder.WithLockManager(""));
        Assert.Equal("name", empty.ParamName);
        var invalid = Assert.Throws<ArgumentException>(() => builder.WithLockManager("$locks"));
        Assert.Equal("name", invalid.ParamName);
        Assert.Contains("$locks", invalid.Message);
        Assert.Throws<ArgumentNullException>(() => builder.WithLockManager("locks", (SupervisorStrategy)null!));
    }

    [Fact]
    public async Task Bad_settings_from_code_fail_the_start_naming_the_setting()
    {
        var badTimeout = await Assert.ThrowsAnyAsync<Exception>(
            () => StartHostAsync(b => b.WithLockManager("locks", s => s with { DefaultAwaitTimeout = TimeSpan.Zero })));
        Assert.Contains(nameof(LockManagerSettings.DefaultAwaitTimeout), Flatten(badTimeout));
        var badMax = await Assert.ThrowsAnyAsync<Exception>(
            () => StartHostAsync(b => b.WithLockManager("locks", SupervisorStrategy.DefaultStrategy, s => s with { MaxKeysPerRequest = 0 })));
        Assert.Contains(nameof(LockManagerSettings.MaxKeysPerRequest), Flatten(badMax));
    }

    /// <summary>The messages of <paramref name="e"/> and every exception inside it.</summary>
    internal static string Flatten(Exception e) => e switch
    {
        AggregateException a => string.Join(" | ", a.InnerExceptions.Select(Flatten)),
        { InnerException: { } inner } => e.Message + " | " + Flatten(inner),
        _ => e.Message,
    };

    [Fact]
    public async Task Akka_log_events_of_the_manager_reach_Serilog_with_their_properties()
    {
        var sink = new CapturingSink(e =>
            e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("{UnknownMessage}"));
        var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();

        using var host = await StartHostAsync(
            b => b
                .ConfigureLoggers(l =>
                {
                    l.ClearLoggers();
                    l.AddLoggerFactory();
                })
                .WithLockManager("locks"),
            services => services.AddSerilog(logger, dispose: true));
        try
        {
            var manager = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();

            manager.Tell(new NotALockRequest(42), ActorRefs.NoSender);

            var warning = await sink.Matched.WaitAsync(Patience);
            Assert.Contains("NotALockRequest { Code = 42 }", warning.Properties["UnknownMessage"].ToString());
            var type = Assert.IsType<ScalarValue>(warning.Properties["MessageType"]);
            Assert.Equal(typeof(NotALockRequest).FullName, type.Value);
            Assert.True(warning.Properties.ContainsKey("Sender"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static Task<IHost> StartHostAsync(
        Action<AkkaConfigurationBuilder> configureAkka,
        Action<IServiceCollection>? configureServices = null) =>
        TestHosts.StartAsync(configureAkka, configureServices);

    private sealed record NotALockRequest(int Code);

    /// <summary>Completes <see cref="Matched"/> with the first event that satisfies the predicate.</summary>
    private sealed class CapturingSink(Func<LogEvent, bool> predicate) : ILogEventSink
    {
        private readonly TaskCompletionSource<LogEvent> _matched = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<LogEvent> Matched => _matched.Task;

        public void Emit(LogEvent logEvent)
        {
            if (predicate(logEvent))
            {
                _matched.TrySetResult(logEvent);
            }
        }
    }

    /// <summary>An actor that hands every message it receives to the test through a channel.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ChannelWriter<object> writer) => ReceiveAny(m => writer.TryWrite(m));
    }

    private sealed record RecorderHandle(IActorRef Ref, ChannelReader<object> Inbox)
    {
        public static RecorderHandle Start(ActorSystem system, string name)
        {
            var channel = Channel.CreateUnbounded<object>();
            var actor = system.ActorOf(Props.Create(() => new Recorder(channel.Writer)), name);
            return new RecorderHandle(actor, channel.Reader);
        }

        /// <summary>Waits for the next message, which must be a <typeparamref name="T"/>.</summary>
        public async Task<T> ExpectAsync<T>()
        {
            using var deadline = new CancellationTokenSource(Patience);
            var message = await Inbox.ReadAsync(deadline.Token);
            return Assert.IsType<T>(message);
        }
    }
}
