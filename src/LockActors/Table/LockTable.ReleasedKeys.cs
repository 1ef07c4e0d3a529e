using System.Runtime.ExceptionServices;
using Akka.Actor;

namespace LockActors.Table;

// Finding the holding a release or give-away names, even for a key that misbehaves.
internal sealed partial class LockTable
{
    /// <summary>The holding of <paramref name="party"/> on <paramref name="key"/> (under <paramref name="token"/> when given); null when it has none, after replying why.</summary>
    private Holding? HoldingOfReleasedKey(Party? party, IActorRef? replyTo, object key, long? token)
    {
        var entry = EntryOfReleasedKey(party, key);
        if (entry is null || entry.IsFree)
        {
            _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.NotLocked, null));
            return null;
        }

        if (party is null || entry.HoldingOf(party) is not { } holding)
        {
            _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.NotOwner, entry.AnyHolder()!.Actor));
            return null;
        }

        if (token is { } t && holding.Token != t)
        {
            _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.StaleGrant, party.Actor));
            return null;
        }

        return holding;
    }

    /// <summary>
    /// The entry of a key named in a release: the owner's newest holding when it is of this very
    /// key object under the same hash code (as the release of the latest grant is), else looked up
    /// by the key's hash code; when that finds nothing or the key's own code throws, searched for
    /// among the owner's holdings by the very key object (O(the owner's holdings), on that path
    /// only). So a key whose hash code changed or started throwing while it was locked is still
    /// released, and the fault is reported.
    /// </summary>
    private KeyEntry? EntryOfReleasedKey(Party? party, object key)
    {
        Exception? failure = null;
        try
        {
            var filed = FiledKey.Of(key);
            if (party?.Held.First?.Entry is { } newest && ReferenceEquals(newest.Key, key) && newest.Hash == filed.Hash)
            {
                // The owner's newest holding, named by the very key object it was filed under and
                // with the same hash code: the entry the lookup would find, without the lookup.
                return newest;
            }

            if (_keys.TryGetValue(filed, out var entry))
            {
                return entry;
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        for (var holding = party?.Held.First; holding is not null; holding = party!.Held.Next(holding))
        {
            if (ReferenceEquals(holding.Entry.Key, key))
            {
                var fault = failure is null ? "changed its hash code" : $"threw {failure.GetType().Name} when hashed or compared";
                _fx.ReportError($"Key {KeyText.Of(key)} {fault} while it was locked; it was released all the same, but a key must not change while it is locked.");
                return holding.Entry;
            }
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return null;
    }
}
