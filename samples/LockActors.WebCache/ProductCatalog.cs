using Microsoft.Extensions.Caching.Memory;

namespace LockActors.WebCache;

/// <summary>
/// Reads products through an in-memory cache and lets only one request per product load a
/// product that is missing from it.
/// </summary>
/// <remarks>
/// A cache stampede: a popular product is not cached (the app just started, or the entry
/// expired) and a thousand requests for it arrive within the database's answer time. Each one
/// misses the cache, and without coordination each one queries the database for the same row,
/// a thousand queries at the worst possible moment. <see cref="GetAsync"/> prevents it with a
/// double-checked lock on the key <c>product:{id}</c>: the first request that misses takes the
/// lock and queries, the others wait in line for the lock, and each of them checks the cache
/// again once it holds the lock, finds the product the first one stored, and never queries.
/// </remarks>
public sealed class ProductCatalog(IMemoryCache cache, ProductDatabase database, LockClient locks)
{
    /// <summary>How long a loaded product stays cached.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a request waits in line for the lock before it gives up (503). The requests behind
    /// the loader are granted the lock one after another, first come first served, but each holds
    /// it only for a cache look-up, so a thousand of them pass in well under a second.
    /// </summary>
    private static readonly TimeSpan WaitAtMost = TimeSpan.FromSeconds(30);

    /// <summary>Returns the product, querying the database at most once per cache miss, however many requests miss together.</summary>
    /// <param name="id">The product.</param>
    /// <param name="requester">Who asks, in words (the HTTP request): the lock's label, shown by the lock board.</param>
    /// <param name="ct">The request's token: cancelling it withdraws the wait for the lock.</param>
    public async Task<Product> GetAsync(int id, string? requester, CancellationToken ct)
    {
        var key = $"product:{id}";

        // First check, without the lock: a hit, the usual case, costs no lock at all.
        if (cache.TryGetValue(key, out Product? product))
        {
            return product!;
        }

        // A miss. Take the lock for this product only (other products load in parallel) and
        // wait in line behind any request that is already loading it. Cancelling the request
        // (the client went away) withdraws its place in line; the lock is released however the
        // body ends, so a failed query lets the next request in line try again.
        return await locks.WithLockAsync(key, async _ =>
        {
            // Second check, under the lock: while this request waited, the holder before it
            // probably loaded the product and cached it. Only the first in line finds it missing.
            if (cache.TryGetValue(key, out Product? cached))
            {
                return cached!;
            }

            var loaded = await database.LoadAsync(id, ct);
            cache.Set(key, loaded, CacheFor);
            return loaded;
        }, LockOptions.Within(WaitAtMost) with { Label = requester }, ct);
    }

    /// <summary>
    /// The same read without the lock, to show the stampede: every request that misses the
    /// cache queries the database, until one of those queries has filled it.
    /// </summary>
    public async Task<Product> GetWithoutLockAsync(int id, CancellationToken ct)
    {
        var key = $"product:{id}";
        if (cache.TryGetValue(key, out Product? product))
        {
            return product!;
        }

        var loaded = await database.LoadAsync(id, ct);
        cache.Set(key, loaded, CacheFor);
        return loaded;
    }
}
