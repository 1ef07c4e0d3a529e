namespace LockActors.Chaos;

/// <summary>
/// The critical sections a <see cref="LockClient"/> caller is inside while it holds one handle: it
/// enters them on creation and leaves them once, before the handle is released or given away, or
/// as soon as the handle's lock is reported lost (whichever comes first).
/// </summary>
/// <remarks>
/// The lost-token registration is never disposed: the client cancels the token asynchronously, maybe
/// after the release that failed because of the loss has returned, and the loss must still be seen.
/// </remarks>
internal sealed class ClientSection
{
    private readonly CriticalSectionRecorder _recorder;
    private readonly List<Holding> _holdings;
    private readonly int _incarnation;
    private int _left;
    private int _lost;

    public ClientSection(CriticalSectionRecorder recorder, LockHandle handle, int capacity)
    {
        _recorder = recorder;
        var grant = ChaosProtocol.GrantOf(handle);
        var incarnation = ChaosProtocol.IncarnationOf(grant);
        _holdings = grant.Keys.Select(key => recorder.Enter(grant.Owner, key, incarnation, grant.FencingToken,
            ChaosProtocol.ModeOf(grant), ChaosProtocol.PermitsOf(grant), capacity)).ToList();
        _incarnation = incarnation;
        ChaosProtocol.LostToken(handle).Register(() =>
        {
            Volatile.Write(ref _lost, 1);
            recorder.Lost(incarnation, grant.FencingToken);
            Leave(LeaveReason.Lost);
        });
    }

    /// <summary>True once the manager reported the lock lost.</summary>
    public bool Lost => Volatile.Read(ref _lost) == 1;

    public void Leave(LeaveReason reason)
    {
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            foreach (var holding in _holdings)
            {
                _recorder.Leave(holding, reason);
            }
        }
    }

    /// <summary>Whether the lock may have been lost: reported so, or granted before the manager's last restart.</summary>
    public bool MayBeLost(int currentIncarnation) => Lost || _incarnation < currentIncarnation;
}
