using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql;
using LockActors.Cluster.Hosting;
using LockActors.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AkkaCluster = Akka.Cluster.Cluster;

namespace LockActors.Benchmarks;

/// <summary>
/// Group i: lock+release through the cluster mode, 64 callers on a node other than the manager's,
/// with no persistence, the in-memory journal and a SQLite journal file, beside the same callers
/// against a local manager. Each cluster is two actor systems in this process on 127.0.0.1: the
/// manager's node and a node with only the proxy, whose <see cref="ILockClient"/> the callers use.
/// </summary>
internal static class ClusterScenarios
{
    private const int Callers = 64;

    private const string Local = "i.local-64", RemoteEcho = "i.base-remote-echo-64", Plain = "i.cluster-plain-64",
        InMemory = "i.cluster-inmem-64", Sqlite = "i.cluster-sqlite-64";

    public static async Task RunAsync(BenchConfig cfg)
    {
        // Three two-node clusters take seconds to form and to leave: not for a filter that selects none of these.
        if (!new[] { Local, RemoteEcho, Plain, InMemory, Sqlite }.Any(cfg.Selected))
        {
            return;
        }

        var journal = Path.Combine(Path.GetTempPath(), $"lockactors-bench-{Guid.NewGuid():N}.db");
        UseWriteAheadLog(journal);
        var local = ActorSystem.Create("bench-local", "akka.loglevel = WARNING");
        try
        {
            var localClient = new LockClient(local.ActorOf(LockManager.Props(), "locks"));
            await using var plain = await TwoNodes.StartAsync(ClusterLockManagerOptions.Default with { Persistent = false }, journal);
            await using var inMemory = await TwoNodes.StartAsync(ClusterLockManagerOptions.Default with
            {
                JournalPluginId = "akka.persistence.journal.inmem",
                SnapshotPluginId = "akka.persistence.snapshot-store.inmem",
            }, journal);
            await using var sqlite = await TwoNodes.StartAsync(ClusterLockManagerOptions.Default, journal);

            var echo = await plain.RemoteEchoAsync();
            await Harness.InterleavedAsync(cfg, "i",
                Cycles(Local, "64 callers, LockClient LockAsync+ReleaseAsync, local manager", localClient),
                RemoteAsks(RemoteEcho, "64 callers on another node, two Asks of an echo actor on the manager's node per cycle", echo),
                Cycles(Plain, "64 callers on another node, cluster manager without persistence", plain.Callers),
                Cycles(InMemory, "64 callers on another node, cluster manager, in-memory journal", inMemory.Callers),
                Cycles(Sqlite, "64 callers on another node, cluster manager, SQLite journal file", sqlite.Callers));
        }
        finally
        {
            await local.Terminate();
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(journal + suffix);
            }
        }
    }

    /// <summary>
    /// Creates the journal file in write-ahead-log mode (a setting the file keeps), so a commit is
    /// one append to the log instead of a rewrite of the database with a rollback journal.
    /// </summary>
    private static void UseWriteAheadLog(string journal)
    {
        using var connection = new SqliteConnection($"Data Source={journal}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>64 callers, each on a key of its own, each taking and releasing it n/64 times.</summary>
    private static Workload Cycles(string id, string what, ILockClient client) => new(id, what, "cycles/s", 2_000, async n =>
    {
        var each = n / Callers;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            var key = $"key-{c}";
            for (var i = 0; i < each; i++)
            {
                var handle = await client.LockAsync(key);
                await handle.ReleaseAsync();
            }
        })));
    }, Callers);

    /// <summary>The floor of a remote lock cycle: two request-reply round trips to the manager's node, 64 callers.</summary>
    private static Workload RemoteAsks(string id, string what, IActorRef echo) => new(id, what, "cycles/s", 2_000, async n =>
    {
        var each = n / Callers;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            var message = $"key-{c}";
            for (var i = 0; i < each; i++)
            {
                await echo.Ask<string>(message);
                await echo.Ask<string>(message);
            }
        })));
    }, Callers);

    /// <summary>The manager's node (the oldest) and a node that reaches it through its proxy.</summary>
    private sealed class TwoNodes : IAsyncDisposable
    {
        private readonly IHost _manager;
        private readonly IHost _callers;

        private TwoNodes(IHost manager, IHost callers)
        {
            _manager = manager;
            _callers = callers;
            Callers = callers.Services.GetRequiredService<ILockClient>();
        }

        /// <summary>The client of the node without the manager.</summary>
        public ILockClient Callers { get; }

        public static async Task<TwoNodes> StartAsync(ClusterLockManagerOptions options, string journal)
        {
            var manager = await StartNodeAsync(journal, akka => akka.WithClusterLockManager("locks", options), seed: null);
            var callers = await StartNodeAsync(journal, akka => akka.WithClusterLockManagerProxy("locks"), seed: manager);
            var nodes = new TwoNodes(manager, callers);

            // The proxy finds the manager on the first request.
            await (await nodes.Callers.LockAsync("warm-up", LockOptions.Within(TimeSpan.FromSeconds(30)))).ReleaseAsync();
            return nodes;
        }

        /// <summary>An echo actor on the manager's node, as the callers' node reaches it.</summary>
        public async Task<IActorRef> RemoteEchoAsync()
        {
            var managerSystem = _manager.Services.GetRequiredService<ActorSystem>();
            var echo = managerSystem.ActorOf(Props.Create(() => new Echo()), "echo");
            var remotePath = new RootActorPath(AkkaCluster.Get(managerSystem).SelfAddress) / echo.Path.Elements;
            return await _callers.Services.GetRequiredService<ActorSystem>().ActorSelection(remotePath).ResolveOne(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in new[] { _callers, _manager })
            {
                await host.StopAsync();
                host.Dispose();
            }
        }

        private static async Task<IHost> StartNodeAsync(string journal, Action<AkkaConfigurationBuilder> locks, IHost? seed)
        {
            var host = new HostBuilder()
                .ConfigureServices(services =>
                {
                    services.AddAkka("bench-cluster", akka =>
                    {
                        akka.AddHocon(Config(journal), HoconAddMode.Prepend);
                        locks(akka);
                    });
                    services.AddLockClient();
                })
                .Build();
            await host.StartAsync();
            var cluster = AkkaCluster.Get(host.Services.GetRequiredService<ActorSystem>());
            var seedAddress = seed is null ? cluster.SelfAddress : AkkaCluster.Get(seed.Services.GetRequiredService<ActorSystem>()).SelfAddress;
            using var joining = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await cluster.JoinAsync(seedAddress, joining.Token);
            return host;
        }

        private static Config Config(string journal) => ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              log-dead-letters = off
              suppress-json-serializer-warning = on
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
              persistence {
                journal {
                  plugin = "akka.persistence.journal.sql"
                  sql {
                    connection-string = "Data Source={{journal}}", provider-name = "SQLite.MS", auto-initialize = true
                    use-clone-connection = false
                  }
                }
                snapshot-store {
                  plugin = "akka.persistence.snapshot-store.sql"
                  sql {
                    connection-string = "Data Source={{journal}}", provider-name = "SQLite.MS", auto-initialize = true
                    use-clone-connection = false
                  }
                }
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }
}
