using Akka.Configuration;

namespace LockActors.Serialization;

/// <summary>
/// Binds <see cref="LockProtocolSerializer"/>, the compact wire format of the lock manager's
/// protocol, to every message of it. Needed wherever messages cross a process: between nodes of an
/// Akka.Remote or Akka.Cluster system (bind it on every node), and in the journal and snapshot store
/// of an event-sourced manager, which keep the lock table's events and snapshots in it.
/// </summary>
/// <remarks>
/// <para>Without it every message still crosses the wire through Akka's default JSON serializer,
/// slower, larger, and with <c>object</c>-typed keys such as <see cref="Guid"/> coming back as
/// strings; with it string, <c>int</c>, <c>long</c> and <see cref="Guid"/> keys come back as they
/// were sent.</para>
/// <para>With Akka.Hosting, <c>WithLockManager</c> binds it, and <c>WithLockActorsSerialization()</c>
/// binds it on a node that only talks to a manager elsewhere.</para>
/// </remarks>
/// <example>
/// <code>
/// var config = ConfigurationFactory.ParseString("akka.actor.provider = remote")
///     .WithFallback(LockActorsSerialization.Configuration);
/// using var system = ActorSystem.Create("app", config);
/// </code>
/// </example>
public static class LockActorsSerialization
{
    /// <summary>
    /// The serializer's id, written beside each message so the reading node picks the same
    /// serializer. Fixed for ever: changing it makes messages unreadable between versions.
    /// </summary>
    public const int SerializerId = 414;

    /// <summary>
    /// The HOCON that registers <see cref="LockProtocolSerializer"/> as <c>lockactors</c> under
    /// <see cref="SerializerId"/> and binds it to <see cref="ILockRequest"/>, <see cref="ILockReply"/>,
    /// the records messages carry, and the lock table's events and snapshots. Add it as a fallback of
    /// the actor system's configuration.
    /// </summary>
    /// <returns>The same parsed configuration on every call.</returns>
    public static Config Configuration { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers {
            lockactors = "LockActors.Serialization.LockProtocolSerializer, LockActors"
          }
          serialization-bindings {
            "LockActors.ILockRequest, LockActors" = lockactors
            "LockActors.ILockReply, LockActors" = lockactors
            "LockActors.LockGrant, LockActors" = lockactors
            "LockActors.LockOptions, LockActors" = lockactors
            "LockActors.LockHolder, LockActors" = lockactors
            "LockActors.LockWaiter, LockActors" = lockactors
            "LockActors.Table.Events.LockTableEvent, LockActors" = lockactors
            "LockActors.Table.Events.LockTableSnapshot, LockActors" = lockactors
            "LockActors.Table.Events.LockEventBatch, LockActors" = lockactors
          }
          serialization-identifiers {
            "LockActors.Serialization.LockProtocolSerializer, LockActors" = {{SerializerId}}
          }
        }
        """);
}
