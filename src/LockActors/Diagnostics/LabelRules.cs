namespace LockActors;

/// <summary>The rule for <see cref="LockOptions.Label"/> and how a label that breaks it is named in an error.</summary>
internal static class LabelRules
{
    // How much of a label too long to accept is quoted in the error.
    private const int PreviewLength = 40;

    /// <summary>Why <paramref name="label"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string? label) => label is { Length: > LockOptions.MaxLabelLength } ? TooLong(label) : null;

    /// <summary>The sentence refusing a label that is too long, quoting its start.</summary>
    public static string TooLong(string label) =>
        $"{nameof(LockOptions.Label)} must be at most {LockOptions.MaxLabelLength} characters, got {label.Length}: {Preview(label)}";

    /// <summary>The label's start, quoted, enough to recognise it.</summary>
    public static string Preview(string label) =>
        label.Length <= PreviewLength ? $"\"{label}\"" : $"\"{label[..PreviewLength]}…\"";
}
