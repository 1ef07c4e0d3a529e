namespace LockActors.Table;

/// <summary>The kind of lock a request asks for, as the table sees it.</summary>
/// <param name="Mode">Exclusive or shared.</param>
/// <param name="Permits">Permits to take on each key.</param>
/// <param name="Capacity">The capacity the requester expects each key to have.</param>
/// <param name="Priority">Place in line among waits (higher first).</param>
internal readonly record struct LockTerms(LockMode Mode, int Permits, int Capacity, int Priority)
{
    /// <summary>An ordinary exclusive lock at the default priority.</summary>
    public static readonly LockTerms Default = new(LockMode.Exclusive, 1, 1, 0);

    /// <summary>The terms of a request message.</summary>
    public static LockTerms Of(ILockTermsRequest request, int priority) =>
        new(request.Mode, request.Permits, request.Capacity, priority);

    /// <summary>Why these terms can never be granted, or null when they are valid.</summary>
    public string? Problem()
    {
        if (Mode is not (LockMode.Exclusive or LockMode.Shared))
        {
            return $"mode {(int)Mode} is not a LockMode";
        }

        if (Capacity < 1)
        {
            return $"capacity {Capacity} is below 1";
        }

        if (Permits < 1)
        {
            return $"permits {Permits} is below 1";
        }

        if (Permits > Capacity)
        {
            return $"permits {Permits} is above the capacity {Capacity}";
        }

        if (Mode == LockMode.Shared && Capacity != 1)
        {
            return $"shared mode needs capacity 1, not {Capacity} (semaphore keys are taken exclusively, by permits)";
        }

        return null;
    }
}
