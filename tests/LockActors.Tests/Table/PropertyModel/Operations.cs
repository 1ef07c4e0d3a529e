using LockActors.Table;

namespace LockActors.Tests.Table;

// ---------------------------------------------------------------------------------------
// Operations: abstract, resolved against the state when they run, so that any sub-sequence
// (which is what shrinking produces) is still a valid sequence.
// ---------------------------------------------------------------------------------------

internal enum TimeoutKind { Immediate, Finite, Infinite, Default }

internal readonly record struct Timing(TimeoutKind Kind, int Ms)
{
    public TimeSpan? ToTimeSpan() => Kind switch
    {
        TimeoutKind.Immediate => TimeSpan.FromMilliseconds(Ms),
        TimeoutKind.Finite => TimeSpan.FromMilliseconds(Ms),
        TimeoutKind.Infinite => Timeout.InfiniteTimeSpan,
        _ => null,
    };

    public override string ToString() => Kind is TimeoutKind.Infinite or TimeoutKind.Default ? Kind.ToString() : $"{Ms}ms";
}

/// <summary>Which grant a Release or GiveAway presents.</summary>
internal enum GrantSource
{
    /// <summary>One the owner still fully holds, when there is one.</summary>
    Held,

    /// <summary>Any grant ever handed out: stale, partly released, or someone else's.</summary>
    Any,
}

internal abstract record Op
{
    /// <summary>Terms in short: X or S (or the number of an undefined mode), permits/capacity, @priority. X2/3@1 is 2 of 3 permits, exclusive, priority 1.</summary>
    public static string Short(LockTerms t) =>
        $"{t.Mode switch { LockMode.Exclusive => "X", LockMode.Shared => "S", var m => $"mode{(int)m}:" }}{t.Permits}/{t.Capacity}@{t.Priority}";

    public static string Short(int[] keys) => $"[{string.Join(",", keys)}]";
}

internal sealed record TryLockOp(int Owner, int Key, LockTerms Terms) : Op
{
    public override string ToString() => $"TryLock o{Owner} k{Key} {Short(Terms)}";
}

internal sealed record AwaitOp(int Owner, int Key, LockTerms Terms, Timing Timeout, bool ReplyToOwner) : Op
{
    public override string ToString() => $"Await o{Owner} k{Key} {Short(Terms)} {Timeout}{(ReplyToOwner ? " reply-to-owner" : "")}";
}

internal sealed record AwaitAllOp(int Owner, int[] Keys, LockTerms Terms, Timing Timeout, bool ReplyToOwner) : Op
{
    public override string ToString() => $"AwaitAll o{Owner} {Short(Keys)} {Short(Terms)} {Timeout}{(ReplyToOwner ? " reply-to-owner" : "")}";
}

internal sealed record ReleaseOp(int Owner, int Pick, GrantSource Source) : Op;

internal sealed record ReleaseKeysOp(int Owner, int[] Keys, bool OnlyHeldKeys) : Op
{
    public override string ToString() => $"ReleaseKeysOp {{ Owner = {Owner}, Keys = {Short(Keys)}, OnlyHeldKeys = {OnlyHeldKeys} }}";
}

/// <summary>A give-away; <see cref="Heir"/> is an owner's number, or <see cref="NullHeir"/> / <see cref="NobodyHeir"/>.</summary>
internal sealed record GiveAwayOp(int Owner, int Pick, GrantSource Source, int Heir) : Op
{
    public const int NullHeir = -1;
    public const int NobodyHeir = -2;
}

internal sealed record GoodbyeOp(int Owner) : Op;

internal sealed record CancelAwaitOp(int Owner, int[]? Keys) : Op
{
    public override string ToString() => $"CancelAwaitOp {{ Owner = {Owner}, Keys = {(Keys is null ? "null" : Short(Keys))} }}";
}

internal sealed record DieOp(int Owner) : Op;

internal sealed record AdvanceOp(int Ms, bool ToNextWake) : Op;

/// <summary>The manager's periodic sweep of idle owners (see <see cref="LockTable.SweepIdleOwners"/>).</summary>
internal sealed record SweepIdleOp : Op;
