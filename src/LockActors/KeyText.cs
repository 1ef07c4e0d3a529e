namespace LockActors;

/// <summary>
/// Renders keys (and any other user value) for messages and logs: strings quoted, everything else
/// as <c>value (Type)</c>. Never throws: a value whose <c>ToString</c> throws is named by its type.
/// </summary>
internal static class KeyText
{
    // A key list longer than this is shown with its first keys and a count of the rest.
    private const int ShownKeys = 8;

    /// <summary>One key or value.</summary>
    public static string Of(object? key)
    {
        try
        {
            return key switch
            {
                null => "null",
                string s => $"\"{s}\"",
                _ => $"{key} ({key.GetType().Name})",
            };
        }
        catch (Exception e)
        {
            return $"<{key!.GetType().Name}: ToString threw {e.GetType().Name}>";
        }
    }

    /// <summary>"key K" for one key, "keys [K1, K2, …]" for several.</summary>
    public static string OfAll(IReadOnlyList<object> keys)
    {
        if (keys.Count == 1)
        {
            return $"key {Of(keys[0])}";
        }

        var parts = keys.Take(ShownKeys).Select(Of);
        var more = keys.Count > ShownKeys ? $", … ({keys.Count - ShownKeys} more)" : "";
        return $"keys [{string.Join(", ", parts)}{more}]";
    }
}
