using Akka.Actor;

namespace LockActors.Table;

// Requests that only read the table: who holds a key, forward to its holders, inspect it.
internal sealed partial class LockTable
{
    /// <summary><see cref="LockActors.WhereIs"/>.</summary>
    public void WhereIs(IActorRef? replyTo, object? key)
    {
        if (key is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, "WhereIs was sent with a null key.");
            return;
        }

        _keys.TryGetValue(FiledKey.Of(key), out var entry);
        _fx.Send(replyTo, new KeyOwner(key, entry is null ? null : OldestHolding(entry)?.Holder!.Actor));
    }

    /// <summary><see cref="LockActors.SendToOwner"/>: forward to the owner, keeping the sender.</summary>
    public void SendToOwner(IActorRef? sender, object? key, object? message)
    {
        if (key is null || message is null)
        {
            Refuse(sender, null, RefusalReason.InvalidRequest,
                key is null ? "SendToOwner was sent with a null key." : $"SendToOwner for key {KeyText.Of(key)} carries a null message.");
            return;
        }

        _keys.TryGetValue(FiledKey.Of(key), out var entry);
        if (entry is null || entry.IsFree)
        {
            _fx.Send(sender, new NoOwner(key));
            return;
        }

        if (entry.Others is null)
        {
            _fx.Forward(entry.Holder!.Actor, message, sender);
            return;
        }

        foreach (var holding in HoldingsByAge(entry))
        {
            _fx.Forward(holding.Holder!.Actor, message, sender);
        }
    }

    /// <summary><see cref="LockActors.GetMeta"/>.</summary>
    public void GetMeta(IActorRef? replyTo) => _fx.Send(replyTo, new ManagerMeta(_settings.Metadata));

    /// <summary><see cref="LockActors.Inspect"/>: owner, token and queue of one key (walks the queue).</summary>
    public void Inspect(IActorRef? replyTo, object? key)
    {
        if (key is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, "Inspect was sent with a null key.");
            return;
        }

        _fx.Send(replyTo, Status(key));
    }

    /// <summary>The status of one key, as <see cref="LockActors.Inspect"/> reports it.</summary>
    public KeyStatus Status(object key)
    {
        return _keys.TryGetValue(FiledKey.Of(key), out var entry) ? StatusOf(entry, key) : KeyStatus.Free(key);
    }

    /// <summary>The status of a key in use, reported under <paramref name="key"/> (the key asked about, or the entry's own).</summary>
    private static KeyStatus StatusOf(KeyEntry entry, object key)
    {
        var queue = new List<LockWaiter>();
        for (var node = entry.Head; node is not null; node = entry.Queue.Next(node))
        {
            var wait = node.Request;
            queue.Add(new LockWaiter(wait.Owner.Actor, wait.Mode, wait.Permits, wait.Priority, wait.Keys) { Label = wait.Label });
        }

        var holders = HoldingsByAge(entry).Select(h => new LockHolder(h.Holder!.Actor, h.Mode, h.Permits, h.Token) { Label = h.Label }).ToList();
        return new KeyStatus(key, entry.Capacity, holders, queue);
    }

    /// <summary>The holder with the oldest grant, or null when the key is free.</summary>
    private static Holding? OldestHolding(KeyEntry entry)
    {
        if (entry.Others is null)
        {
            return entry.Holder is null ? null : entry;
        }

        Holding? oldest = null;
        foreach (var holding in entry.Holdings())
        {
            if (oldest is null || holding.Token < oldest.Token)
            {
                oldest = holding;
            }
        }

        return oldest;
    }

    /// <summary>The key's holdings, oldest grant first.</summary>
    private static List<Holding> HoldingsByAge(KeyEntry entry)
    {
        var holdings = entry.Holdings().ToList();
        holdings.Sort((x, y) => x.Token.CompareTo(y.Token));
        return holdings;
    }
}
