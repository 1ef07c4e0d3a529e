using System.Runtime.CompilerServices;

namespace LockActors.Validation;

/// <summary>
/// The checks a request must pass before anything changes, shared by the manager's table and the
/// client: keys, key lists, lock options and timeouts. Each failure is one sentence naming the
/// offending value.
/// </summary>
/// <remarks>Checks that read user code (a key's <c>Equals</c> in the duplicate check) may throw; callers run them before any change.</remarks>
internal static class RequestRules
{
    // Up to this many keys the duplicate check compares pairs; beyond, it hashes.
    private const int PairwiseLimit = 8;

    /// <summary>A null key.</summary>
    public static Violation? Key(object? key, string request) =>
        key is null ? new Violation(RefusalReason.InvalidRequest, null, $"{request} was sent with a null key.") : null;

    /// <summary>A null or empty list, more keys than <paramref name="maxKeys"/>, a null key or a duplicate key.</summary>
    public static Violation? Keys(IReadOnlyList<object?>? keys, int maxKeys, string request)
    {
        // The common case, one non-null key: nothing to compare.
        if (keys is { Count: 1 } && keys[0] is not null)
        {
            return null;
        }

        if (keys is null || keys.Count == 0)
        {
            return Invalid($"{request} was sent with {(keys is null ? "a null" : "an empty")} key list.");
        }

        if (keys.Count > maxKeys)
        {
            return Invalid($"{request} was sent with {keys.Count} keys, more than the {maxKeys} allowed per request ({KeyText.OfAll(keys!)}).");
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is null)
            {
                return Invalid($"{request} was sent with a null key at position {i}.");
            }
        }

        return FirstDuplicate(keys!) is { } duplicate
            ? new Violation(RefusalReason.DuplicateKey, duplicate, $"{request} lists key {KeyText.Of(duplicate)} more than once; keys must be unique.")
            : null;
    }

    /// <summary>Null options, or terms that can never be granted on the request's keys.</summary>
    public static Violation? Options(LockOptions? options, string request, IReadOnlyList<object> keys)
    {
        if (options is null)
        {
            return Invalid($"{request} of {KeyText.OfAll(keys)} was sent with null options.");
        }

        return TermsProblem(options.Mode, options.Permits, options.Capacity) is { } problem
            ? Invalid($"{request} of {KeyText.OfAll(keys)} was refused: {problem}.")
            : null;
    }

    /// <summary>Why a mode, permit count and capacity can never be granted together, or null.</summary>
    /// <remarks>
    /// Values deserialized from another node skip <see cref="LockOptions"/>' own range checks, so the
    /// ranges are checked again. One permit of a key of capacity one, nearly every request, is valid
    /// in either mode: that is answered inline, without the full checks.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? TermsProblem(LockMode mode, int permits, int capacity) =>
        permits == 1 && capacity == 1 && mode is LockMode.Exclusive or LockMode.Shared ? null : RangeProblem(mode, permits, capacity);

    /// <summary>The full checks of <see cref="TermsProblem"/>.</summary>
    private static string? RangeProblem(LockMode mode, int permits, int capacity)
    {
        if (mode is not (LockMode.Exclusive or LockMode.Shared))
        {
            return $"mode {(int)mode} is not a LockMode";
        }

        if (capacity < 1)
        {
            return $"capacity {capacity} is below 1";
        }

        if (permits < 1)
        {
            return $"permits {permits} is below 1";
        }

        if (permits > capacity)
        {
            return $"permits {permits} is above the capacity {capacity}";
        }

        return mode == LockMode.Shared && capacity != 1
            ? $"shared mode needs capacity 1, not {capacity} (semaphore keys are taken exclusively, by permits)"
            : null;
    }

    /// <summary>A setting's timeout that is neither positive nor <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static ArgumentOutOfRangeException? PositiveOrInfinite(TimeSpan value, string name) =>
        value == Timeout.InfiniteTimeSpan || value > TimeSpan.Zero
            ? null
            : new ArgumentOutOfRangeException(name, value, $"{name} must be positive or Timeout.InfiniteTimeSpan, got {value}.");

    /// <summary>A timeout outside zero (exclusive) to <paramref name="max"/> (inclusive).</summary>
    public static ArgumentOutOfRangeException? PositiveUpTo(TimeSpan value, TimeSpan max, string name) =>
        value > TimeSpan.Zero && value <= max
            ? null
            : new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most {max}, got {value}.");

    private static Violation Invalid(string message) => new(RefusalReason.InvalidRequest, null, message);

    private static object? FirstDuplicate(IReadOnlyList<object> keys)
    {
        if (keys.Count <= PairwiseLimit)
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
}
