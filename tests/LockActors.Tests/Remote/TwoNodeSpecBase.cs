using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using LockActors.Tests.Serialization;
using Xunit;

namespace LockActors.Tests.Remote;

/// <summary>
/// Two actor systems in one process, connected by remoting on 127.0.0.1 (random ports): node A
/// (the test kit's system) runs the lock manager, node B the client side. Both send the protocol in
/// the package's wire format, or over Akka's default serializer when rerun so (<see cref="SpecWire"/>).
/// </summary>
[Collection(Collection)]
public abstract class TwoNodeSpecBase : TestKit
{
    /// <summary>The one collection of the remote specs: they run one at a time.</summary>
    public const string Collection = "two nodes";

    /// <summary>How long to wait for something that must happen (generous: the build machine is shared).</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.suppress-json-serializer-warning = on
        """);

    protected TwoNodeSpecBase()
        : base(NodeConfig.WithFallback(SpecWire.Binding), "node-a")
    {
        NodeB = ActorSystem.Create("node-b", NodeConfig.WithFallback(SpecWire.Binding));
        Locks = Sys.ActorOf(LockManager.Props(), "locks");
        LocksFromB = ManagerSeenFrom(NodeB, Locks);
    }

    /// <summary>The client side's system.</summary>
    protected ActorSystem NodeB { get; }

    /// <summary>The manager, on node A.</summary>
    protected IActorRef Locks { get; }

    /// <summary>The manager as node B reaches it (a remote reference).</summary>
    protected IActorRef LocksFromB { get; }

    /// <summary>The address <paramref name="system"/> listens on.</summary>
    protected static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    /// <summary>The reference to <paramref name="manager"/> (on node A) that <paramref name="from"/> resolves over the wire.</summary>
    protected IActorRef ManagerSeenFrom(ActorSystem from, IActorRef manager)
    {
        var path = new RootActorPath(AddressOf(Sys)) / manager.Path.Elements;
        return from.ActorSelection(path).ResolveOne(Patience).GetAwaiter().GetResult();
    }

    /// <summary>A test probe on node B.</summary>
    protected TestProbe ProbeOnB() => new(NodeB, new XunitAssertions());

    /// <summary>The owner of <paramref name="key"/> as the manager on node A sees it, or null when free.</summary>
    protected async Task<IActorRef?> OwnerAtA(object key) =>
        (await Locks.Ask<KeyOwner>(new WhereIs(key), Patience)).Owner;

    /// <summary>The path of <paramref name="actor"/> without address or uid, to compare one actor seen from two nodes.</summary>
    protected static string PathOf(IActorRef? actor) => actor?.Path.ToStringWithoutAddress() ?? "(none)";

    protected override void AfterAll()
    {
        NodeB.Terminate().Wait(Patience);
        base.AfterAll();
    }
}
