namespace LockActors.Validation;

/// <summary>
/// What is wrong with a request, in one sentence: the manager refuses with it, the client throws
/// it, so a user reads the same words whichever side checked.
/// </summary>
/// <param name="Cause">The refusal cause the manager answers with.</param>
/// <param name="Key">The offending key (the duplicate for <see cref="RefusalReason.DuplicateKey"/>), else null.</param>
/// <param name="Message">The sentence, naming the offending value.</param>
internal readonly record struct Violation(RefusalReason Cause, object? Key, string Message)
{
    /// <summary>The manager's answer.</summary>
    public LockRefused ToRefusal() => new(Key, Cause, Message);

    /// <summary>The client's exception for the same failure, naming <paramref name="paramName"/>.</summary>
    public ArgumentException ToException(string paramName) => new(Message, paramName);
}
