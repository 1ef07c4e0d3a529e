using System.Text.Json;
using Akka.Actor;

namespace LockActors.AspNetCore.Board;

// The JSON the lock board's page reads. Keys, labels and owners are plain strings: the serializer
// escapes every character that could end a string or open markup (<, >, &, quotes), and the page
// writes them as text, never as HTML.

/// <summary>One page of keys in use (<c>GET {prefix}/api/locks</c>).</summary>
/// <param name="Manager">The manager's actor path.</param>
/// <param name="KeysInUse">How many keys the manager has in use, whatever the prefix.</param>
/// <param name="Next">The cursor of the next page (the <c>after</c> parameter); null on the last page.</param>
/// <param name="Keys">The keys of this page, in the manager's listing order.</param>
internal sealed record BoardLockPage(string Manager, int KeysInUse, string? Next, IReadOnlyList<BoardKey> Keys);

/// <summary>A key in use: its holders and its queue.</summary>
internal sealed record BoardKey(string Key, int Capacity, IReadOnlyList<BoardHolder> Holders, IReadOnlyList<BoardWaiter> Queue);

/// <summary>
/// A holder of a key. The fencing token is a string: it can exceed the integers a JavaScript number
/// holds exactly. The overview reports no grant time: the page shows how long it has seen the holding.
/// </summary>
internal sealed record BoardHolder(string Owner, string? Label, string Mode, int Permits, string FencingToken);

/// <summary>A wait in a key's queue, first in line first (how long it waits: as for <see cref="BoardHolder"/>).</summary>
internal sealed record BoardWaiter(string Owner, string? Label, string Mode, int Permits, int Priority, IReadOnlyList<string> Keys);

/// <summary>The hottest keys (<c>GET {prefix}/api/hot</c>).</summary>
internal sealed record BoardHotKeys(IReadOnlyList<BoardHotKey> ByWaiters, IReadOnlyList<BoardHotKey> ByLongestWait);

/// <summary>How contended one key is.</summary>
internal sealed record BoardHotKey(string Key, int Waiters, double LongestWaitMs);

/// <summary>Who waits for whom (<c>GET {prefix}/api/graph</c>).</summary>
internal sealed record BoardWaitGraph(IReadOnlyList<BoardEdge> Edges, bool Truncated);

/// <summary>One edge: the waiter waits for the key, which the holder holds.</summary>
internal sealed record BoardEdge(string Waiter, string? WaiterLabel, string Key, string Holder, string? HolderLabel);

/// <summary>What a refused board request answers: one sentence naming the offending value.</summary>
internal sealed record BoardError(string Error);

/// <summary>Turns the manager's answers into the board's JSON records.</summary>
internal static class BoardJson
{
    /// <summary>camelCase names; the default encoder, which escapes HTML-sensitive characters.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static BoardLockPage Page(IActorRef manager, LockList list) =>
        new(manager.Path.ToString(), list.KeysInUse, list.NextCursor, list.Keys.Select(Key).ToArray());

    public static BoardHotKeys Hot(HotKeys hot) =>
        new(hot.ByWaiters.Select(Hot).ToArray(), hot.ByLongestWait.Select(Hot).ToArray());

    public static BoardWaitGraph Graph(WaitGraph graph) =>
        new(graph.Edges.Select(e => new BoardEdge(
            OwnerText(e.Waiter), e.WaiterLabel, BoardText.Key(e.Key), OwnerText(e.Holder), e.HolderLabel)).ToArray(), graph.Truncated);

    private static BoardKey Key(KeyStatus status) =>
        new(BoardText.Key(status.Key), status.Capacity,
            status.Holders.Select(h => new BoardHolder(
                OwnerText(h.Owner), h.Label, ModeText(h.Mode), h.Permits, h.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray(),
            status.Queue.Select(w => new BoardWaiter(
                OwnerText(w.Owner), w.Label, ModeText(w.Mode), w.Permits, w.Priority, w.Keys.Select(BoardText.Key).ToArray())).ToArray());

    private static BoardHotKey Hot(HotKey key) => new(BoardText.Key(key.Key), key.Waiters, key.LongestWait.TotalMilliseconds);

    private static string OwnerText(IActorRef owner) => owner.Path.ToString();

    private static string ModeText(LockMode mode) => mode == LockMode.Shared ? "shared" : "exclusive";
}
