using Akka.Configuration;
using LockActors.Serialization;

namespace LockActors.Tests.Serialization;

/// <summary>
/// Which serializer the actor and remote specs send the protocol through: the package's wire format
/// (the default), or Akka's default JSON serializer while <see cref="OverAkkaDefaultSerializer"/> is
/// set (see <see cref="DefaultSerializerSpecs"/>).
/// </summary>
internal static class SpecWire
{
    /// <summary>Set while a spec is created to run over Akka's default serializer; flows into its constructor.</summary>
    public static readonly AsyncLocal<bool> OverAkkaDefaultSerializer = new();

    /// <summary>The configuration to fall back on: the wire format's binding, or nothing over JSON.</summary>
    public static Config Binding => OverAkkaDefaultSerializer.Value ? Config.Empty : LockActorsSerialization.Configuration;
}
