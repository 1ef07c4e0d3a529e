namespace LockActors.Client;

/// <summary>
/// The keys an async flow holds through <c>LockClient.WithLockAsync</c> and
/// <c>WithLockAllAsync</c>, so that a request of the same client for one of them from inside the
/// body is refused at once instead of waiting for itself.
/// </summary>
/// <remarks>
/// <para>Each body runs in a scope that lists its keys in front of the scopes it is nested in. The
/// scope flows with the body's <see cref="ExecutionContext"/>, so work the body starts and awaits
/// (and any <c>Task.Run</c> it starts) sees it; the caller of the <c>WithLock</c> method, and the
/// flows running beside it, do not.</para>
/// <para>A handle taken with <c>LockAsync</c> and kept by the caller is not tracked: the client
/// cannot know which flow will use it. Give the client an explicit owner to have the manager
/// refuse every nested request for a held key.</para>
/// </remarks>
internal static class HeldInFlow
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>True when this flow runs in no <c>WithLock</c> body: nothing to check.</summary>
    public static bool IsEmpty => Current.Value is null;

    /// <summary>Enters a scope holding <paramref name="keys"/> through <paramref name="client"/>; disposing it leaves.</summary>
    public static IDisposable Enter(LockClient client, IReadOnlyList<object> keys)
    {
        var outer = Current.Value;
        Current.Value = new Scope(client, keys, outer);
        return new Exit(outer);
    }

    /// <summary>The refusal of a request for <paramref name="keys"/> when this flow holds one of them through <paramref name="client"/>, or null.</summary>
    public static LockRefusedException? Refusal(LockClient client, IReadOnlyList<object> keys, string verb)
    {
        for (var scope = Current.Value; scope is not null; scope = scope.Outer)
        {
            if (!ReferenceEquals(scope.Client, client))
            {
                continue;
            }

            foreach (var key in keys)
            {
                if (scope.Keys.Contains(key))
                {
                    return new LockRefusedException(keys, LockFailure.SelfDeadlock,
                        $"{verb} of {KeyText.OfAll(keys)} was refused: this async flow already holds key {KeyText.Of(key)} " +
                        "through the same client (in an enclosing WithLock body), waiting would deadlock.");
                }
            }
        }

        return null;
    }

    private sealed record Scope(LockClient Client, IReadOnlyList<object> Keys, Scope? Outer);

    private sealed class Exit(Scope? outer) : IDisposable
    {
        public void Dispose() => Current.Value = outer;
    }
}
