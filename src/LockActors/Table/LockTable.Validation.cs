using Akka.Actor;
using LockActors.Validation;

namespace LockActors.Table;

// Checks of a request's input, each refusing with a message that names the offending value.
internal sealed partial class LockTable
{
    private void Refuse(IActorRef? replyTo, object? key, RefusalReason reason, string message) =>
        _fx.Send(replyTo, new LockRefused(key, reason, message));

    /// <summary>Refuses a bad key list; <paramref name="ofGrant"/> names it "… of a grant" in the refusal.</summary>
    private bool ValidKeyList(IActorRef? replyTo, IReadOnlyList<object>? keys, string requestName, bool ofGrant = false)
    {
        // The common case, a single-key grant's release, passes without building the request's name.
        if (RequestRules.Keys(keys, _settings.MaxKeysPerRequest, requestName) is null)
        {
            return true;
        }

        var violation = RequestRules.Keys(keys, _settings.MaxKeysPerRequest, ofGrant ? requestName + " of a grant" : requestName)!.Value;
        _fx.Send(replyTo, violation.ToRefusal());
        return false;
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
