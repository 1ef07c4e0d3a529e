using System.Text;
using Akka.Actor;
using LockActors.Table;
using LockActors.Table.Events;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// Runs one operation sequence on a live table that records its events, and after every step checks
/// that a table replaying those events, and one restored from a snapshot taken at step
/// <c>snapshotAt</c> replaying the rest, are in the same state as the live one.
/// </summary>
internal sealed class ReplayRun
{
    private static readonly DeadlineAnchor Anchor = new(0, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks);

    private readonly LockManagerSettings _settings = LockManagerSettings.Default with
    {
        DefaultAwaitTimeout = TimeSpan.FromMilliseconds(30),
        MaxIdleOwnersWatched = 2,
    };

    private readonly GrantCollector _fx = new();
    private readonly EventLog _log;
    private readonly LockTable _live;
    private readonly LockTable _replayed;
    private readonly IActorRef[] _owners = new IActorRef[ReplayGen.Owners];
    private readonly IActorRef _requester = new NamedRef("requester");
    private readonly int _snapshotAt;
    private LockTable? _restored;
    private int _appliedToReplayed;
    private int _appliedToRestored;
    private int _deaths;
    private long _now = 1_000;

    public ReplayRun(int snapshotAt, EventLog? log = null)
    {
        _snapshotAt = snapshotAt;
        _log = log ?? new EventLog();
        _live = NewTable(_fx);
        _live.RecordEventsTo(_log);
        _replayed = NewTable(new GrantCollector());
        for (var i = 0; i < _owners.Length; i++)
        {
            _owners[i] = new NamedRef($"owner-{i}");
        }
    }

    /// <summary>Runs the operations; throws on the first step after which a replayed table differs from the live one.</summary>
    public void Execute(IReadOnlyList<TableOp> ops)
    {
        for (var step = 0; step < ops.Count; step++)
        {
            if (step == _snapshotAt)
            {
                _restored = NewTable(new GrantCollector());
                _restored.Restore(_live.TakeSnapshot());
                _appliedToRestored = _log.Events.Count;
            }

            Run(ops[step]);
            _live.CheckInvariants();
            var expected = Describe(_live);
            CatchUp(_replayed, ref _appliedToReplayed, "replayed from the first event", expected, ops, step);
            if (_restored is not null)
            {
                CatchUp(_restored, ref _appliedToRestored, $"restored from the snapshot of step {_snapshotAt}", expected, ops, step);
            }
        }
    }

    private LockTable NewTable(ILockEffects effects) => new(_settings, effects) { Anchor = Anchor };

    private void CatchUp(LockTable table, ref int applied, string how, string expected, IReadOnlyList<TableOp> ops, int step)
    {
        for (; applied < _log.Events.Count; applied++)
        {
            table.Apply(_log.Events[applied]);
        }

        table.CheckInvariants();
        var actual = Describe(table);
        if (actual != expected)
        {
            throw new InvalidOperationException(
                $"After step {step} ({ops[step]}) the table {how} differs from the live one.\n" +
                $"Operations:\n  {string.Join("\n  ", ops.Take(step + 1))}\nEvents:\n  {string.Join("\n  ", _log.Events)}\n" +
                $"Live:\n{expected}\nReplayed:\n{actual}");
        }
    }

    private void Run(TableOp op)
    {
        switch (op)
        {
            case TryLockOp t:
                _live.TryLock(_owners[t.Owner], ReplyTo(t.Owner, t.Reply), ReplayGen.KeyOf(t.Key), t.Terms);
                break;
            case AwaitOp a:
                _live.Await(_owners[a.Owner], ReplyTo(a.Owner, a.Reply), ReplayGen.KeyOf(a.Key), Timeout(a.TimeoutMs), a.Terms, _now);
                break;
            case AwaitAllOp a:
                _live.AwaitAll(_owners[a.Owner], ReplyTo(a.Owner, a.Reply), a.Keys.Select(ReplayGen.KeyOf).ToArray(), Timeout(a.TimeoutMs), a.Terms, _now);
                break;
            case ReleaseOp r when Pick(r.Owner, r.Pick, r.OwnGrant) is { } grant:
                _live.Release(_owners[r.Owner], _owners[r.Owner], grant);
                break;
            case ReleaseKeysOp r:
                _live.ReleaseKeys(_owners[r.Owner], _owners[r.Owner], r.Keys.Select(ReplayGen.KeyOf).ToArray());
                break;
            case GiveAwayOp g when Pick(g.Owner, g.Pick, ownGrant: true) is { } grant:
                _live.GiveAway(_owners[g.Owner], _owners[g.Owner], grant, _owners[g.Heir], giftData: null);
                break;
            case GoodbyeOp g:
                _live.Goodbye(_owners[g.Owner], _owners[g.Owner]);
                break;
            case CancelAwaitOp c:
                _live.CancelAwait(_owners[c.Owner], _owners[c.Owner], c.Keys?.Select(ReplayGen.KeyOf).ToArray());
                break;
            case DieOp d:
                _live.Terminated(_owners[d.Owner]);
                _owners[d.Owner] = new NamedRef($"owner-{d.Owner}-{++_deaths}");
                break;
            case AdvanceOp a:
                _now += a.Ms;
                _live.ExpireDue(_now);
                break;
            case SweepIdleOp:
                _live.SweepIdleOwners();
                break;
        }
    }

    private IActorRef? ReplyTo(int owner, ReplyTarget target) => target switch
    {
        ReplyTarget.Owner => _owners[owner],
        ReplyTarget.Requester => _requester,
        _ => null,
    };

    private static TimeSpan? Timeout(int? ms) => ms switch
    {
        null => null,
        < 0 => System.Threading.Timeout.InfiniteTimeSpan,
        _ => TimeSpan.FromMilliseconds(ms.Value),
    };

    /// <summary>A grant handed out so far: preferably one of the owner's, else any.</summary>
    private LockGrant? Pick(int owner, int pick, bool ownGrant)
    {
        var grants = ownGrant ? _fx.Grants.Where(g => g.Owner.Equals(_owners[owner])).ToList() : _fx.Grants;
        return grants.Count == 0 ? null : grants[pick % grants.Count];
    }

    /// <summary>
    /// The state of a table as text that does not depend on how it is laid out: the last token;
    /// every key's capacity, holders (with tokens) and queue in order; every owner's waits in its
    /// order, with reply-to and deadline; every holding with the keys of its grant.
    /// </summary>
    private static string Describe(LockTable table)
    {
        var text = new StringBuilder();
        text.AppendLine($"last token {table.LastToken}, {table.KeyCount} keys in use, {table.PartyCount} owners");
        for (var k = 0; k < ReplayGen.KeyCount; k++)
        {
            var status = table.Status(ReplayGen.KeyOf(k));
            text.Append($"{status.Key} capacity {status.Capacity}: held by ");
            text.Append(string.Join(", ", status.Holders.Select(h => $"{h.Owner} {h.Mode} x{h.Permits} #{h.FencingToken}")));
            text.Append("; queue ");
            text.AppendLine(string.Join(", ", status.Queue.Select(w => $"{w.Owner} {w.Mode} x{w.Permits} @{w.Priority} [{string.Join(",", w.Keys)}]")));
        }

        var snapshot = table.TakeSnapshot();
        foreach (var held in snapshot.Holdings.Select(h => $"{h.Owner} holds {h.Key} #{h.FencingToken} of [{string.Join(",", h.GrantKeys ?? [h.Key])}] label {h.Label}").Order(StringComparer.Ordinal))
        {
            text.AppendLine(held);
        }

        foreach (var owner in snapshot.Waits.GroupBy(w => w.Owner.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"{owner.Key} waits: " + string.Join(", ", owner.Select(w =>
                $"[{string.Join(",", w.Keys)}]{(w.IsMulti ? " all" : "")} {w.Mode} x{w.Permits} of {w.Capacity} @{w.Priority} to {w.ReplyTo?.ToString() ?? "nobody"} until {w.DeadlineUtcTicks} since {w.QueuedUtcTicks} label {w.Label}")));
        }

        return text.ToString();
    }
}
