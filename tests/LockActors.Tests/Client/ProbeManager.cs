using Akka.TestKit;

namespace LockActors.Tests.Client;

/// <summary>A test probe playing the lock manager for a <see cref="LockClient"/>, to answer (or not) exactly when a spec wants.</summary>
internal static class ProbeManager
{
    /// <summary>Takes <paramref name="key"/> through <paramref name="client"/>, the probe granting it to the client's owner.</summary>
    public static async Task<LockHandle> GrantAsync(LockClient client, TestProbe manager, string key, TimeSpan wait)
    {
        var locking = client.TryLockAsync(key);
        manager.ExpectMsg<TryLock>(wait);
        var replyTo = manager.LastSender;
        replyTo.Tell(new LockAcquired(new LockGrant([key], false, client.Owner ?? replyTo, 1, null)), manager.Ref);
        return (await locking.WaitAsync(wait))!;
    }
}
