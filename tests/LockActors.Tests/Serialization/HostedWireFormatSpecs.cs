using Akka.Actor;
using Akka.Hosting;
using LockActors.Hosting;
using LockActors.Serialization;
using LockActors.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LockActors.Tests.Serialization;

// Guarantee: a hosted manager speaks the wire format without any setting, and a node that only uses
// a manager elsewhere binds the same format with one call.

public sealed class HostedWireFormatSpecs
{
    [Fact]
    public async Task WithLockManager_binds_the_wire_format_to_the_protocol()
    {
        using var host = await TestHosts.StartAsync(akka => akka.WithLockManager("locks"));

        AssertBound(host.Services.GetRequiredService<ActorSystem>());
    }

    [Fact]
    public async Task WithLockActorsSerialization_binds_it_on_a_node_without_a_manager_and_twice_changes_nothing()
    {
        using var host = await TestHosts.StartAsync(akka => akka.WithLockActorsSerialization().WithLockActorsSerialization());

        AssertBound(host.Services.GetRequiredService<ActorSystem>());
    }

    [Fact]
    public async Task Without_either_the_protocol_stays_on_Akkas_default_serializer()
    {
        using var host = await TestHosts.StartAsync(_ => { });

        var system = host.Services.GetRequiredService<ActorSystem>();
        Assert.IsNotType<LockProtocolSerializer>(system.Serialization.FindSerializerForType(typeof(LockAcquired)));
    }

    private static void AssertBound(ActorSystem system)
    {
        foreach (var type in new[] { typeof(TryLock), typeof(LockAcquired), typeof(KeyStatus), typeof(LockGrant) })
        {
            var serializer = system.Serialization.FindSerializerForType(type);
            Assert.True(serializer is LockProtocolSerializer, $"{type.Name} is bound to {serializer.GetType().Name}");
        }
    }
}
