using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace LockActors.AspNetCore.Board;

/// <summary>
/// Reads the board's query parameters. A value out of range, not a number, too long or given twice
/// is refused with one sentence naming the parameter and the value, and nothing is asked of the manager.
/// </summary>
internal static class BoardQuery
{
    /// <summary>The most keys one page of the board lists: a browser table stays readable and a response small.</summary>
    public const int MaxPageSize = 500;

    /// <summary>The page size when the request names none.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The most hot keys and wait-for edges one response carries.</summary>
    public const int MaxTop = 100, MaxEdges = 1000;

    /// <summary>The defaults of the hot keys and wait-for graph responses.</summary>
    public const int DefaultTop = 10, DefaultEdges = 200;

    /// <summary>The longest key prefix and cursor accepted.</summary>
    public const int MaxTextLength = 1024;

    /// <summary>Reads the whole number <paramref name="name"/>, <paramref name="fallback"/> when absent.</summary>
    /// <returns>Null when the value is usable, else the sentence that refuses it.</returns>
    public static string? Number(IQueryCollection query, string name, int fallback, int max, out int value)
    {
        value = fallback;
        var values = query[name];
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            return $"{name} is given {values.Count} times; give it once.";
        }

        var text = values[0] ?? "";
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < 1 || value > max)
        {
            value = fallback;
            return $"{name} must be a whole number from 1 to {max}; \"{Shorten(text)}\" is not.";
        }

        return null;
    }

    /// <summary>Reads the text <paramref name="name"/>, null when absent or empty.</summary>
    /// <returns>Null when the value is usable, else the sentence that refuses it.</returns>
    public static string? Text(IQueryCollection query, string name, out string? value)
    {
        value = null;
        var values = query[name];
        if (values.Count > 1)
        {
            return $"{name} is given {values.Count} times; give it once.";
        }

        var text = values.Count == 1 ? values[0] : null;
        if (text is { Length: > MaxTextLength })
        {
            return $"{name} must be at most {MaxTextLength} characters long; \"{Shorten(text)}\" has {text.Length}.";
        }

        value = string.IsNullOrEmpty(text) ? null : text;
        return null;
    }

    /// <summary>The start of a long value, so that an error repeats no more of it than a reader needs.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
