using Akka.Actor;
using LockActors.Client;

namespace LockActors;

/// <summary>
/// A lock taken through a <see cref="LockClient"/>. Dispose it to release the lock:
/// <c>await using (var h = await client.LockAsync("user:1")) { … }</c>.
/// </summary>
/// <remarks>
/// A handle is released once: <see cref="ReleaseAsync"/> and <see cref="GiveAwayAsync"/> end it,
/// and <see cref="DisposeAsync"/> releases it only if it is still held. When the lock is lost
/// without a release (the manager restarted), <see cref="HandleLostToken"/> is cancelled.
/// </remarks>
public sealed class LockHandle : IAsyncDisposable
{
    private const int Held = 0, Released = 1, GivenAway = 2, Lost = 3;

    private readonly LockOwnerRef _ref;
    private int _state;
    private IActorRef? _heir;
    private int _lost;

    // What the late answer of a timed-out release or give-away did to the lock (Held: nothing yet),
    // and whether a retry has been told it succeeded.
    private int _endedLate = Held;
    private int _lateSuccessTold;
    private CancellationTokenSource? _lostSource;

    internal LockHandle(LockGrant grant, LockOwnerRef ownerRef)
    {
        Grant = grant;
        _ref = ownerRef;
    }

    private bool OwnsItself => _ref.NamedOwner is null;

    /// <summary>The grant: keys, owner, fencing token and the manager's metadata.</summary>
    public LockGrant Grant { get; }

    /// <summary>The first (for single-key locks, the only) key.</summary>
    public object Key => Grant.Key;

    /// <summary>Every key of the lock, in the order requested.</summary>
    public IReadOnlyList<object> Keys => Grant.Keys;

    /// <summary>The grant's fencing token: pass it to the protected resource with every write.</summary>
    public long FencingToken => Grant.FencingToken;

    /// <summary>The actor that owns the lock at the manager.</summary>
    public IActorRef Owner => Grant.Owner;

    /// <summary>How the keys are held: exclusive or shared.</summary>
    public LockMode Mode => Grant.Mode;

    /// <summary>The permits held on each key (1 unless taken from a semaphore key).</summary>
    public int Permits => Grant.Permits;

    /// <summary>
    /// Cancelled when the lock is lost without being released (see <see cref="LockLost"/>), or when a
    /// release finds it gone. The token source is only created if someone asks for the token first.
    /// </summary>
    public CancellationToken HandleLostToken
    {
        get
        {
            if (Volatile.Read(ref _lostSource) is { } existing)
            {
                return existing.Token;
            }

            if (IsLost)
            {
                return new CancellationToken(canceled: true);
            }

            var created = new CancellationTokenSource();
            var source = Interlocked.CompareExchange(ref _lostSource, created, null) ?? created;
            if (!ReferenceEquals(source, created))
            {
                created.Dispose();
            }

            // A loss between the check above and publishing the source may not have seen it.
            if (IsLost)
            {
                _ = source.CancelAsync();
            }

            return source.Token;
        }
    }

    /// <summary>True once the lock is known to be lost (see <see cref="MarkLost"/>).</summary>
    internal bool IsLost => Volatile.Read(ref _lost) != 0;

    /// <summary>True until the handle is released, given away or ended by a goodbye.</summary>
    public bool IsHeld => Volatile.Read(ref _state) == Held;

    /// <summary>Releases the lock (the Elixir <c>release!/2</c>).</summary>
    /// <param name="cancellationToken">Stops waiting for the manager's confirmation; the release itself goes ahead.</param>
    /// <returns>A task that completes once the manager has released the keys.</returns>
    /// <exception cref="ReleaseException">
    /// The handle was already released or given away, or the manager no longer sees the owner holding
    /// the keys under this grant (the lock was lost; <see cref="HandleLostToken"/> is then cancelled).
    /// </exception>
    /// <exception cref="LockRefusedException">
    /// The manager did not answer in time (<see cref="LockFailure.ManagerUnavailable"/>), or it
    /// terminated (<see cref="LockFailure.ManagerRestarted"/>): then the lock is gone with it.
    /// </exception>
    /// <remarks>
    /// After the manager did not answer in time, with an explicit owner the handle stays held: retry.
    /// If the unanswered release was carried out after all, the retry completes successfully.
    /// </remarks>
    public Task ReleaseAsync(CancellationToken cancellationToken = default) =>
        Interlocked.CompareExchange(ref _state, Released, Held) != Held
            ? (TakeLateSuccess(RequestKind.Release, null) ? Task.CompletedTask : Task.FromException(Ended()))
            : _ref.HandleRequestAsync(new Release(Grant) { Owner = _ref.NamedOwner }, RequestKind.Release).WaitAsync(cancellationToken);

    /// <summary>
    /// Hands the lock to <paramref name="heir"/> (the Elixir <c>give_away/4</c>): the heir receives
    /// <see cref="LockTransferred"/> with a new grant; this handle ends.
    /// </summary>
    /// <param name="heir">The new owner.</param>
    /// <param name="giftData">Data delivered to the heir with the lock.</param>
    /// <param name="cancellationToken">Stops waiting for the manager's confirmation; the give-away itself goes ahead.</param>
    /// <returns>A task that completes when the manager confirms with <see cref="GaveAway"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="heir"/> is null.</exception>
    /// <exception cref="LockRefusedException">The heir is the current owner (<see cref="RefusalReason.AlreadyOwner"/>); the handle stays held.</exception>
    /// <exception cref="ReleaseException">The handle was already released or given away, or the lock was lost.</exception>
    /// <exception cref="LockRefusedException">The manager did not answer in time (<see cref="LockFailure.ManagerUnavailable"/>).</exception>
    public Task GiveAwayAsync(IActorRef heir, object? giftData = null, CancellationToken cancellationToken = default)
    {
        if (heir is null)
        {
            return Task.FromException(new ArgumentNullException(nameof(heir)));
        }

        return Interlocked.CompareExchange(ref _state, GivenAway, Held) != Held
            ? (TakeLateSuccess(RequestKind.GiveAway, heir) ? Task.CompletedTask : Task.FromException(Ended()))
            : _ref.HandleRequestAsync(new GiveAway(Grant, heir, giftData) { Owner = _ref.NamedOwner }, RequestKind.GiveAway).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Releases the lock if it is still held. Idempotent; never throws because the lock was already
    /// released, given away or lost.
    /// </summary>
    /// <returns>A task that completes once the lock is released.</returns>
    public ValueTask DisposeAsync()
    {
        if (!IsHeld)
        {
            return default;
        }

        if (IsLost && OwnsItself)
        {
            // The manager told this owner the lock is gone (it restarted or stopped): there is
            // nothing to release, and a stopped manager would only let the request time out.
            if (Interlocked.CompareExchange(ref _state, Released, Held) == Held)
            {
                End(clean: false);
            }

            return default;
        }

        // Released or given away concurrently: nothing to do, as for a lost lock.
        return Interlocked.CompareExchange(ref _state, Released, Held) != Held
            ? default
            : new ValueTask(_ref.HandleRequestAsync(new Release(Grant) { Owner = _ref.NamedOwner }, RequestKind.Dispose));
    }

    /// <summary>
    /// The manager's reply to this handle's release, dispose or give-away (on the manager's thread:
    /// <paramref name="done"/> runs its continuations elsewhere).
    /// </summary>
    internal void OnReply(RequestKind kind, object request, object reply, TaskCompletionSource done)
    {
        if (Volatile.Read(ref _endedLate) != Held)
        {
            // An earlier, timed-out request already ended the lock: this answer only confirms it.
            End(clean: false);
            if (kind == RequestKind.Dispose || TakeLateSuccess(kind, (request as GiveAway)?.Heir))
            {
                done.TrySetResult();
            }
            else
            {
                Volatile.Write(ref _state, _endedLate == GivenAway ? GivenAway : Released);
                done.TrySetException(Ended());
            }

            return;
        }

        if (kind == RequestKind.GiveAway)
        {
            OnGiveAwayReply((GiveAway)request, reply, done);
            return;
        }

        // The state is already Released: whatever the answer, the handle ends.
        End(clean: reply is LockActors.Released);
        switch (reply)
        {
            case LockActors.Released:
                done.TrySetResult();
                return;
            case ReleaseFailed failed:
                MarkLost();
                if (kind == RequestKind.Dispose)
                {
                    done.TrySetResult(); // already released, given away or lost: nothing to do
                }
                else
                {
                    done.TrySetException(new ReleaseException(Keys, failed.Cause, failed.CurrentOwner, failed.Key));
                }

                return;
            case LockRefused refused:
                done.TrySetException(LockClient.Refusal(refused, Keys));
                return;
            default:
                done.TrySetException(new InvalidOperationException($"The lock manager answered Release with an unexpected {reply.GetType().Name}."));
                return;
        }
    }

    private void OnGiveAwayReply(GiveAway request, object reply, TaskCompletionSource done)
    {
        switch (reply)
        {
            case GaveAway:
                _heir = request.Heir;
                End(clean: true);
                done.TrySetResult();
                return;
            case ReleaseFailed failed:
                MarkLost();
                End(clean: false);
                done.TrySetException(new ReleaseException(Keys, failed.Cause, failed.CurrentOwner, failed.Key));
                return;
            case LockRefused refused:
                // Nothing changed at the manager: the handle is still held.
                Volatile.Write(ref _state, Held);
                done.TrySetException(LockClient.Refusal(refused, Keys));
                return;
            default:
                Volatile.Write(ref _state, Held);
                done.TrySetException(new InvalidOperationException($"The lock manager answered GiveAway with an unexpected {reply.GetType().Name}."));
                return;
        }
    }

    /// <summary>This handle's release, dispose or give-away got no answer within the client's request timeout.</summary>
    internal void OnRequestTimedOut(RequestKind kind, TaskCompletionSource done, LockException timeout)
    {
        if (OwnsItself)
        {
            // Ending the handle stops its owner, so the manager frees the keys whatever happened.
            End(clean: false);
            if (kind == RequestKind.Dispose)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(timeout);
            }

            return;
        }

        // With an explicit owner nothing else will release the keys: the handle stays held, to retry.
        Volatile.Write(ref _state, Held);
        done.TrySetException(timeout);
    }

    /// <summary>
    /// The answer to a release or give-away of this handle that timed out (explicit owner only: the
    /// handle stayed held), on the manager's thread. It says what became of the lock; a retry in
    /// flight or still to come is judged by it. With no request in flight the handle ends here.
    /// </summary>
    internal void OnLateAnswer(object reply)
    {
        int ended;
        switch (reply)
        {
            case LockActors.Released:
                ended = Released;
                break;
            case GaveAway gave:
                _heir = gave.NewGrant.Owner;
                ended = GivenAway;
                break;
            case ReleaseFailed:
                MarkLost();
                ended = Lost;
                break;
            default:
                return; // refused: nothing changed, the handle is still held
        }

        Volatile.Write(ref _endedLate, ended);
        if (Interlocked.CompareExchange(ref _state, ended == GivenAway ? GivenAway : Released, Held) == Held)
        {
            End(clean: false);
        }
    }

    /// <summary>
    /// True, once, when a timed-out request that <paramref name="kind"/> retries was carried out
    /// after all (a release; a give-away to the same heir), so the retry succeeds.
    /// </summary>
    private bool TakeLateSuccess(RequestKind kind, IActorRef? heir)
    {
        var satisfied = Volatile.Read(ref _endedLate) switch
        {
            Released => kind is RequestKind.Release or RequestKind.Dispose,
            GivenAway => kind == RequestKind.GiveAway && Equals(heir, _heir),
            _ => false,
        };
        return satisfied && Interlocked.Exchange(ref _lateSuccessTold, 1) == 0;
    }

    /// <summary>
    /// The manager terminated while this handle's release, dispose or give-away was in flight: it
    /// holds nothing any more, so a dispose is done; a release or give-away fails, naming it.
    /// </summary>
    internal void OnManagerGone(RequestKind kind, TaskCompletionSource done, string reason)
    {
        MarkLost();
        End(clean: false);
        if (kind == RequestKind.Dispose)
        {
            done.TrySetResult();
        }
        else
        {
            done.TrySetException(new LockRefusedException(Keys, LockFailure.ManagerRestarted, $"{reason} Its locks are gone with it."));
        }
    }

    /// <summary>The lock is gone without a release: cancel <see cref="HandleLostToken"/>.</summary>
    internal void MarkLost()
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0)
        {
            return;
        }

        // Asynchronously: the token's callbacks are user code and must not run on the manager's thread.
        _ = Volatile.Read(ref _lostSource)?.CancelAsync();
    }

    /// <summary>
    /// The handle is over. <paramref name="clean"/>: the manager confirmed the release or give-away,
    /// so the owner reference holds nothing and may serve a later lock; otherwise it is stopped.
    /// </summary>
    private void End(bool clean) => _ref.Retire(clean);

    private ReleaseException Ended() => Volatile.Read(ref _state) == GivenAway
        ? new ReleaseException(Keys, ReleaseFailure.NotOwner, _heir)
        : new ReleaseException(Keys, ReleaseFailure.NotLocked, null);
}
