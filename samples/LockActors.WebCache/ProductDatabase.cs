namespace LockActors.WebCache;

/// <summary>A product as the database stores it and the API returns it.</summary>
public sealed record Product(int Id, string Name, decimal Price);

/// <summary>
/// A fake product database: every query takes a while to answer, like a real one under load,
/// and is counted so the sample can show how many queries a burst of requests caused.
/// </summary>
public class ProductDatabase
{
    private int _queries;

    /// <summary>How many queries have been started so far.</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Loads one product; every id from 1 up exists.</summary>
    public async Task<Product> LoadAsync(int id, CancellationToken ct)
    {
        Interlocked.Increment(ref _queries);
        await RoundTripAsync(ct);
        return new Product(id, $"Product #{id}", 10m + id % 90);
    }

    /// <summary>
    /// The slow part of a query. While it runs the product is still missing from the cache, and
    /// every request for it that arrives meanwhile misses too: the window a stampede needs.
    /// </summary>
    protected virtual Task RoundTripAsync(CancellationToken ct) => Task.Delay(TimeSpan.FromMilliseconds(200), ct);
}
