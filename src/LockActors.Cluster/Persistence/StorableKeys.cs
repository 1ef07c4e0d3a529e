using Akka.Actor;

namespace LockActors.Cluster.Persistence;

/// <summary>
/// Tells whether a key can go into the journal and come back as the same key: a recovered table
/// finds each key by Equals and GetHashCode, so a key that does not survive serialization would
/// make recovery fail. Strings, integers and Guids are stored as they are; any other key must come
/// back from Akka's serialization equal, with the same hash code. A key type whose round trip once
/// succeeded for a value type is not checked again; other keys are checked on every lock request.
/// </summary>
/// <param name="system">The actor system whose serialization the journal uses.</param>
internal sealed class StorableKeys(ActorSystem system)
{
    private readonly HashSet<Type> _proven = [typeof(string), typeof(int), typeof(long), typeof(Guid)];

    /// <summary>Why the key cannot be stored, or null when it can.</summary>
    /// <param name="key">The key; user code (its serialization, Equals and GetHashCode may throw, which is reported here).</param>
    /// <returns>The problem, naming the key and its type; null for a storable key.</returns>
    public string? Problem(object key)
    {
        var type = key.GetType();
        if (_proven.Contains(type))
        {
            return null;
        }

        object back;
        try
        {
            var serialization = system.Serialization;
            var serializer = serialization.FindSerializerFor(key);
            var bytes = serializer.ToBinary(key);
            back = serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, key));
        }
        catch (Exception e)
        {
            return $"key {KeyText.Of(key)} of type {type.FullName} cannot be stored in the lock manager's journal: its serialization failed ({e.GetType().Name}: {e.Message}).";
        }

        try
        {
            if (back is null || !key.Equals(back) || key.GetHashCode() != back.GetHashCode())
            {
                return $"key {KeyText.Of(key)} of type {type.FullName} cannot be stored in the lock manager's journal: it comes back from serialization " +
                    $"as {KeyText.Of(back)} of type {back?.GetType().FullName ?? "null"}, which is not the same key (Equals and GetHashCode must agree).";
            }
        }
        catch (Exception e)
        {
            return $"key of type {type.FullName} cannot be stored in the lock manager's journal: comparing it with its serialized copy threw {e.GetType().Name}.";
        }

        if (type.IsValueType)
        {
            _proven.Add(type);
        }

        return null;
    }
}
