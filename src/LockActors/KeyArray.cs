using System.Diagnostics.CodeAnalysis;

namespace LockActors;

/// <summary>
/// Keeps every key list of the protocol in a plain array, the one list type every serializer reads
/// back as it was written: the lists a collection expression makes (<c>[key]</c>) came back from
/// Akka's default serializer as a list inside a list, or not at all.
/// </summary>
internal static class KeyArray
{
    /// <summary>The keys as a plain <c>object[]</c>: the same instance when it already is one.</summary>
    /// <param name="keys">The keys; null stays null, so a malformed request still reaches the manager to be refused.</param>
    /// <returns>An array with the same keys in the same order, or null.</returns>
    [return: NotNullIfNotNull(nameof(keys))]
    public static object[]? Of(IReadOnlyList<object>? keys)
    {
        if (keys is null)
        {
            return null;
        }

        if (keys is object[] array && array.GetType() == typeof(object[]))
        {
            return array;
        }

        var copy = new object[keys.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = keys[i];
        }

        return copy;
    }
}
