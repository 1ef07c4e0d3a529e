namespace LockActors.AspNetCore.Tests.Board;

/// <summary>Waits for a condition the system reaches on its own (a wait queued at the manager), checking it again and again up to a generous bound.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within 30 s: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Until the manager reports <paramref name="count"/> waits queued for <paramref name="key"/>.</summary>
    public static Task QueuedAsync(LockClient locks, object key, int count) =>
        TrueAsync(async () => (await locks.InspectAsync(key)).Queue.Count == count, $"{count} waits queued for {key}");
}
