using Akka.Hosting;
using LockActors.Serialization;

namespace LockActors.Hosting;

/// <summary>Binds the lock manager's wire format with Akka.Hosting.</summary>
public static class LockActorsSerializationHostingExtensions
{
    /// <summary>
    /// Binds <see cref="LockProtocolSerializer"/> to every message of the lock manager's protocol
    /// (<see cref="LockActorsSerialization.Configuration"/>), as a fallback below the application's
    /// own HOCON. <c>WithLockManager</c> calls it; call it yourself on a node that uses a manager
    /// running elsewhere, so both ends read and write the same format. Calling it more than once
    /// binds the same serializer again and changes nothing.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <example>
    /// <code>
    /// services.AddAkka("client-node", builder => builder
    ///     .WithRemoting("127.0.0.1", 0)
    ///     .WithLockActorsSerialization());
    /// </code>
    /// </example>
    public static AkkaConfigurationBuilder WithLockActorsSerialization(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHocon(LockActorsSerialization.Configuration, HoconAddMode.Append);
    }
}
