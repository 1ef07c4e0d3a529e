using LockActors.Validation;

namespace LockActors.Table;

/// <summary>The table's compact copy of a request's <see cref="LockOptions"/> (the timeout becomes a deadline).</summary>
/// <param name="Mode">Exclusive or shared.</param>
/// <param name="Permits">Permits to take on each key.</param>
/// <param name="Capacity">The capacity the requester expects each key to have.</param>
/// <param name="Priority">Place in line among waits (higher first).</param>
/// <param name="Label">Who takes the lock, in words (<see cref="LockOptions.Label"/>); null for none.</param>
internal readonly record struct LockTerms(LockMode Mode, int Permits, int Capacity, int Priority, string? Label = null)
{
    /// <summary>An ordinary exclusive lock at the default priority.</summary>
    public static readonly LockTerms Default = new(LockMode.Exclusive, 1, 1, 0);

    /// <summary>The terms of a request's options.</summary>
    public static LockTerms Of(LockOptions options) => Of(options, options.Priority);

    /// <summary>The terms of a request's options at the given priority (a try-lock's is always 0).</summary>
    public static LockTerms Of(LockOptions options, int priority) =>
        new(options.Mode, options.Permits, options.Capacity, priority, options.Label);

    /// <summary>Why these terms can never be granted, or null when they are valid.</summary>
    public string? Problem() => RequestRules.TermsProblem(Mode, Permits, Capacity) ?? LabelRules.Problem(Label);
}
