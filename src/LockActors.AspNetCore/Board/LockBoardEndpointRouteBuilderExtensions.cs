using Akka.Hosting;
using LockActors.AspNetCore.Board;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LockActors.AspNetCore;

/// <summary>
/// Maps the live lock board of a lock manager started with LockActors.Hosting's
/// <c>WithLockManager</c>: a page that shows, updated every second, the keys held (holders, labels,
/// modes, fencing tokens, how long at least), the queues (waiters, labels, how long at least), the owners, the hottest
/// keys, who waits for whom and a chart of the longest current wait.
/// </summary>
/// <remarks>
/// <para>Below the board's address, all read-only <c>GET</c> endpoints:</para>
/// <list type="bullet">
/// <item><c>{pattern}/</c>: the page (the address without the slash redirects there); <c>board.js</c>, <c>board.css</c>, <c>board.svg</c>.</item>
/// <item><c>{pattern}/api/locks?prefix=&amp;after=&amp;limit=</c>: one page of the keys in use (at most 500, 100 by default) whose text starts with <c>prefix</c>; <c>next</c> is the <c>after</c> of the next page.</item>
/// <item><c>{pattern}/api/hot?top=</c>: the keys with the most waiters and with the longest current wait (at most 100 each, 10 by default).</item>
/// <item><c>{pattern}/api/graph?max=</c>: who waits for whom, waiter → key → holder (at most 1,000 edges, 200 by default).</item>
/// </list>
/// <para>A parameter out of range is answered 400 with <c>{"error": "…"}</c> naming it and its value; a
/// manager that is not registered or does not answer, 503 with the reason. The page loads nothing from
/// elsewhere and is served with a content security policy that allows only its own script and data.
/// It shows keys and labels, which are application data: protect it like any admin page.</para>
/// </remarks>
/// <example>
/// <code>
/// builder.Services.AddAkka("app", akka =&gt; akka.WithLockManager("locks"));
/// …
/// app.MapLockBoard("/locks").RequireAuthorization("admins");
/// </code>
/// </example>
public static class LockBoardEndpointRouteBuilderExtensions
{
    /// <summary>The board's address when none is given.</summary>
    public const string DefaultPattern = "/locks";

    /// <summary>Maps the board of the manager registered under <see cref="LockManager"/> (the plain <c>WithLockManager(name)</c>).</summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The board's address, for instance <c>"/locks"</c> or <c>"/admin/locks"</c>.</param>
    /// <returns>The builder of every board endpoint, to add conventions such as <c>RequireAuthorization()</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty or white space.</exception>
    public static IEndpointConventionBuilder MapLockBoard(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern) =>
        endpoints.MapLockBoard<LockManager>(pattern);

    /// <summary>Maps the board of the manager registered under <typeparamref name="TKey"/> (<c>WithLockManager&lt;TKey&gt;(name)</c>).</summary>
    /// <typeparam name="TKey">The key the manager is registered under.</typeparam>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The board's address; give each manager its own.</param>
    /// <returns>The builder of every board endpoint, to add conventions such as <c>RequireAuthorization()</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty or white space.</exception>
    public static IEndpointConventionBuilder MapLockBoard<TKey>(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);

        var api = new LockBoardApi<TKey>(endpoints.ServiceProvider.GetRequiredService<IRequiredActor<TKey>>());
        var board = endpoints.MapGroup(pattern);
        board.MapGet("", LockBoardAssets.PageAsync);
        board.MapGet("board.js", LockBoardAssets.ScriptAsync);
        board.MapGet("board.css", LockBoardAssets.StyleAsync);
        board.MapGet("board.svg", LockBoardAssets.IconAsync);
        board.MapGet("api/locks", api.LocksAsync);
        board.MapGet("api/hot", api.HotAsync);
        board.MapGet("api/graph", api.GraphAsync);
        board.ExcludeFromDescription();
        return board;
    }
}
