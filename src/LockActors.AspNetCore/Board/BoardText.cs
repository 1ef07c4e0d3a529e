namespace LockActors.AspNetCore.Board;

/// <summary>How the board names a key: a string as itself, any other key as <c>value (Type)</c>.</summary>
/// <remarks>
/// A key is user code: its <see cref="object.ToString"/> may throw or return null. The board then
/// names it by its type, and the page still renders.
/// </remarks>
internal static class BoardText
{
    /// <summary>The text of <paramref name="key"/>; never throws.</summary>
    public static string Key(object key)
    {
        if (key is string text)
        {
            return text;
        }

        var type = key.GetType().Name;
        try
        {
            return key.ToString() is { } value ? $"{value} ({type})" : $"(a {type} whose ToString returned null)";
        }
        catch (Exception error)
        {
            return $"(a {type} whose ToString threw {error.GetType().Name})";
        }
    }
}
