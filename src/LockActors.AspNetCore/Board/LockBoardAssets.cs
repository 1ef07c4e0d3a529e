using System.Text;
using Microsoft.AspNetCore.Http;

namespace LockActors.AspNetCore.Board;

/// <summary>
/// The page, script, style sheet and icon of the lock board, embedded in the assembly: no build step, no
/// file on disk, nothing loaded from elsewhere.
/// </summary>
internal static class LockBoardAssets
{
    /// <summary>
    /// Only the board's own script, style sheet and JSON: an injected script tag or inline handler in
    /// a key or label would not run even if the page rendered it as markup, which it never does.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Asset Page = Load("board.html", "text/html; charset=utf-8");
    private static readonly Asset Script = Load("board.js", "text/javascript; charset=utf-8");
    private static readonly Asset Style = Load("board.css", "text/css; charset=utf-8");
    private static readonly Asset Icon = Load("board.svg", "image/svg+xml");

    /// <summary>
    /// Serves the page at the board's address with a trailing slash, and redirects the address without
    /// one there, so that the page's relative links (<c>board.js</c>, <c>api/locks</c>) resolve below it.
    /// </summary>
    public static Task PageAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.HasValue || !request.Path.Value.EndsWith('/'))
        {
            context.Response.Redirect($"{request.PathBase}{request.Path}/{request.QueryString}");
            return Task.CompletedTask;
        }

        return WriteAsync(context, Page);
    }

    /// <summary>Serves <c>board.js</c>.</summary>
    public static Task ScriptAsync(HttpContext context) => WriteAsync(context, Script);

    /// <summary>Serves <c>board.css</c>.</summary>
    public static Task StyleAsync(HttpContext context) => WriteAsync(context, Style);

    /// <summary>Serves <c>board.svg</c>, the page's icon.</summary>
    public static Task IconAsync(HttpContext context) => WriteAsync(context, Icon);

    private static Task WriteAsync(HttpContext context, Asset asset)
    {
        var headers = context.Response.Headers;
        headers.ContentType = asset.ContentType;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentLength = asset.Content.Length;
        return context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(LockBoardAssets).Assembly.GetManifestResourceStream($"LockActors.AspNetCore.Board.{name}")
            ?? throw new InvalidOperationException($"The lock board's {name} is missing from {typeof(LockBoardAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new Asset(copy.ToArray(), contentType);
    }

    private sealed record Asset(byte[] Content, string ContentType);
}
