namespace LockActors.Table;

/// <summary>
/// Owners that hold and wait for nothing but stay watched for a while, oldest first, so an actor
/// that locks again soon (one that locks per message, say) is not unwatched and watched again each
/// time. Owners idle since before the previous sweep are let go at the next one.
/// </summary>
internal sealed class IdleOwners(LockManagerSettings settings, ILockEffects effects)
{
    // How many idle owners are kept at most.
    private readonly int _limit = settings.MaxIdleOwnersWatched;

    // The idle owners, oldest first.
    private IntrusiveList<IdleOwner, IdleOwner.InList> _owners;

    // How many sweeps ran; an owner records the count when it becomes idle.
    private int _epoch;

    // Whether the manager was asked to sweep (and has not been told to stop since).
    private bool _sweeping;

    /// <summary>How many owners are kept watched while idle.</summary>
    public int Count { get; private set; }

    /// <summary>False when the settings keep no idle owner: an owner is unwatched as soon as it is idle.</summary>
    public bool Enabled { get; } = settings.MaxIdleOwnersWatched > 0 && settings.IdleOwnerWatchTime > TimeSpan.Zero;

    /// <summary>True while a sweep is asked for.</summary>
    public bool Sweeping => _sweeping;

    /// <summary>The idle owners, oldest first.</summary>
    public IEnumerable<Party> All()
    {
        for (var idle = _owners.First; idle is not null; idle = _owners.Next(idle))
        {
            yield return idle.Party;
        }
    }

    /// <summary>Keeps <paramref name="party"/>, which just became idle, and starts sweeping if needed.</summary>
    /// <returns>The oldest idle owner when there are now more than allowed (the caller drops it), else null.</returns>
    public Party? Add(Party party)
    {
        // The node is made once per party and reused each time it goes idle.
        var idle = party.Idle ??= new IdleOwner(party);
        idle.Since = _epoch;
        _owners.AddLast(idle);
        Count++;
        if (!_sweeping)
        {
            _sweeping = true;
            effects.StartIdleSweep();
        }

        return Count > _limit ? _owners.First!.Party : null;
    }

    /// <summary>Takes an idle owner out (it holds or waits again, or is dropped).</summary>
    public void Remove(Party party)
    {
        _owners.Remove(party.Idle!);
        Count--;
    }

    /// <summary>Starts a sweep: owners idle since before the previous one are now due.</summary>
    public void StartSweep() => _epoch++;

    /// <summary>The oldest owner due to be let go in this sweep, or null when none is.</summary>
    public Party? NextDue() => _owners.First is { } oldest && oldest.Since < _epoch - 1 ? oldest.Party : null;

    /// <summary>Ends a sweep.</summary>
    /// <returns>True while idle owners remain, so sweeping should go on.</returns>
    public bool EndSweep() => _sweeping = Count > 0;

    /// <summary>Forgets every idle owner and the sweep.</summary>
    public void Clear()
    {
        _owners.Clear();
        Count = 0;
        _sweeping = false;
    }
}
