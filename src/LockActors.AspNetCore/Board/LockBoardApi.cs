using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;

namespace LockActors.AspNetCore.Board;

/// <summary>
/// The board's JSON endpoints for the manager registered under <typeparamref name="TKey"/>: each
/// reads its query, asks the manager one overview request and answers what it replied.
/// </summary>
/// <remarks>
/// Answers 400 with <see cref="BoardError"/> for a parameter the board or the manager refuses
/// (the manager's own sentence for a cursor it did not hand out), and 503 with the reason when no
/// manager is registered yet or it does not answer. Every response is marked not to be cached.
/// </remarks>
/// <typeparam name="TKey">The key the manager is registered under.</typeparam>
internal sealed class LockBoardApi<TKey>(IRequiredActor<TKey> registered)
{
    /// <summary>How long a request waits for the actor system to register the manager, and for each answer.</summary>
    internal static readonly TimeSpan WaitAtMost = TimeSpan.FromSeconds(5);

    /// <summary>The manager and a client of it, made once, when the first request arrives.</summary>
    private readonly Lazy<Task<Connection>> _connection = new(async () =>
    {
        var manager = await registered.GetAsync(CancellationToken.None).ConfigureAwait(false);
        return new Connection(manager, new LockClient(manager, new LockClientOptions { RequestTimeout = WaitAtMost }));
    });

    /// <summary><c>GET api/locks?prefix=&amp;after=&amp;limit=</c>: one page of keys in use.</summary>
    public Task LocksAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var problem = BoardQuery.Text(query, "prefix", out var prefix);
        string? after = null;
        var limit = BoardQuery.DefaultPageSize;
        problem ??= BoardQuery.Text(query, "after", out after);
        problem ??= BoardQuery.Number(query, "limit", BoardQuery.DefaultPageSize, BoardQuery.MaxPageSize, out limit);
        return AnswerAsync(context, problem, async (c, ct) => BoardJson.Page(c.Manager, await c.Client.ListLocksAsync(prefix, after, limit, ct)));
    }

    /// <summary><c>GET api/hot?top=</c>: the keys with the most waiters and with the longest current wait.</summary>
    public Task HotAsync(HttpContext context)
    {
        var problem = BoardQuery.Number(context.Request.Query, "top", BoardQuery.DefaultTop, BoardQuery.MaxTop, out var top);
        return AnswerAsync(context, problem, async (c, ct) => BoardJson.Hot(await c.Client.GetHotKeysAsync(top, ct)));
    }

    /// <summary><c>GET api/graph?max=</c>: who waits for whom.</summary>
    public Task GraphAsync(HttpContext context)
    {
        var problem = BoardQuery.Number(context.Request.Query, "max", BoardQuery.DefaultEdges, BoardQuery.MaxEdges, out var max);
        return AnswerAsync(context, problem, async (c, ct) => BoardJson.Graph(await c.Client.GetWaitGraphAsync(max, ct)));
    }

    /// <summary>Writes the refusal of <paramref name="problem"/>, or else what <paramref name="ask"/> got from the manager.</summary>
    private async Task AnswerAsync<T>(HttpContext context, string? problem, Func<Connection, CancellationToken, Task<T>> ask)
    {
        context.Response.Headers.CacheControl = "no-store";
        var result = problem is null ? await ResultAsync(ask, context.RequestAborted).ConfigureAwait(false) : Refused(problem);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private async Task<IResult> ResultAsync<T>(Func<Connection, CancellationToken, Task<T>> ask, CancellationToken ct)
    {
        Connection connection;
        try
        {
            connection = await _connection.Value.WaitAsync(WaitAtMost, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Unavailable($"No lock manager is registered under {typeof(TKey).Name} after {WaitAtMost}: the actor system has not started it.");
        }

        try
        {
            return Results.Json(await ask(connection, ct).ConfigureAwait(false), BoardJson.Options);
        }
        catch (LockRefusedException refused) when (refused.Cause == LockFailure.InvalidRequest)
        {
            return Refused(refused.Message);
        }
        catch (ArgumentException invalid)
        {
            return Refused(invalid.Message);
        }
        catch (LockRefusedException unavailable)
        {
            return Unavailable(unavailable.Message);
        }
    }

    private static IResult Refused(string problem) =>
        Results.Json(new BoardError(problem), BoardJson.Options, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Unavailable(string problem) =>
        Results.Json(new BoardError(problem), BoardJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);

    private sealed record Connection(IActorRef Manager, LockClient Client);
}
