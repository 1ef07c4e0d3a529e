using Akka.Actor;

namespace LockActors.Table;

// Checks of a request's input, each refusing with a message that names the offending value.
internal sealed partial class LockTable
{
    // Up to this many keys, duplicates are found by comparing every pair rather than with a set.
    private const int SmallListLimit = 8;

    private void Refuse(IActorRef? replyTo, object? key, RefusalReason reason, string message) =>
        _fx.Send(replyTo, new LockRefused(key, reason, message));

    /// <summary>
    /// Refuses a bad key list. <paramref name="ofGrant"/> names it "… of a grant" in the refusal;
    /// the name is only built when refusing, since this runs on every release.
    /// </summary>
    private bool ValidKeyList(IActorRef? replyTo, IReadOnlyList<object>? keys, string requestName, bool ofGrant = false)
    {
        string Request() => ofGrant ? requestName + " of a grant" : requestName;

        // The common case, a single-key grant's release: one key, not null, nothing to compare.
        if (keys is not null && keys.Count == 1 && keys[0] is not null)
        {
            return true;
        }

        if (keys is null || keys.Count == 0)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"{Request()} was sent with {(keys is null ? "a null" : "an empty")} key list.");
            return false;
        }

        if (keys.Count > _settings.MaxKeysPerRequest)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"{Request()} was sent with {keys.Count} keys, more than the {_settings.MaxKeysPerRequest} allowed per request ({KeyText.OfAll(keys)}).");
            return false;
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is null)
            {
                Refuse(replyTo, null, RefusalReason.InvalidRequest,
                    $"{Request()} was sent with a null key at position {i}.");
                return false;
            }
        }

        if (FirstDuplicate(keys) is { } duplicate)
        {
            Refuse(replyTo, duplicate, RefusalReason.DuplicateKey,
                $"{Request()} lists key {KeyText.Of(duplicate)} more than once; keys must be unique.");
            return false;
        }

        return true;
    }

    /// <summary>Refuses terms that can never be granted; <paramref name="keys"/> is null for a single-key request.</summary>
    private bool ValidTerms(IActorRef? replyTo, in LockTerms terms, string request, object key, IReadOnlyList<object>? keys = null)
    {
        if (terms.Problem() is not { } problem)
        {
            return true;
        }

        Refuse(replyTo, null, RefusalReason.InvalidRequest, $"{request} of {KeyText.OfAll(keys ?? [key])} was refused: {problem}.");
        return false;
    }

    private bool SameCapacity(IActorRef? replyTo, KeyEntry entry, in LockTerms terms, string request)
    {
        if (entry.Capacity == terms.Capacity)
        {
            return true;
        }

        Refuse(replyTo, entry.Key, RefusalReason.CapacityMismatch,
            $"{request} names capacity {terms.Capacity} for key {KeyText.Of(entry.Key)}, which is in use with capacity {entry.Capacity}.");
        return false;
    }

    private bool ValidGrant(IActorRef? replyTo, LockGrant? grant, string request)
    {
        if (grant is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, $"{request} was sent with a null grant.");
            return false;
        }

        return ValidKeyList(replyTo, grant.Keys, request, ofGrant: true);
    }

    private static object? FirstDuplicate(IReadOnlyList<object> keys)
    {
        if (keys.Count <= SmallListLimit)
        {
            for (var i = 1; i < keys.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (keys[i].Equals(keys[j]))
                    {
                        return keys[i];
                    }
                }
            }

            return null;
        }

        var seen = new HashSet<object>(keys.Count);
        foreach (var key in keys)
        {
            if (!seen.Add(key))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Copies a caller's key list so later changes to it cannot touch the table.</summary>
    private static object[] Snapshot(IReadOnlyList<object> keys)
    {
        var copy = new object[keys.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = keys[i];
        }

        return copy;
    }

    private static long Deadline(TimeSpan timeout, long now)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Never;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return now;
        }

        var ms = Math.Ceiling(timeout.TotalMilliseconds);
        return ms >= Never - now ? Never : now + (long)ms;
    }
}
