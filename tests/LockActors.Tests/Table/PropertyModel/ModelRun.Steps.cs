using Akka.Actor;
using LockActors.Table;

namespace LockActors.Tests.Table;

// Steps: each runs the operation on the table and on the model.
internal sealed partial class ModelRun
{
    private void Apply(Op op)
    {
        switch (op)
        {
            case TryLockOp x:
            {
                var (owner, key, terms) = (_owners[x.Owner], Keys[x.Key], x.Terms);
                _table.TryLock(owner, owner, key, terms);
                if (!Valid(terms))
                {
                    Expect(owner, new LockRefused(null, RefusalReason.InvalidRequest, ""));
                    Count(c => c.InvalidTerms++);
                }
                else if (CapacityOf(key) is { } capacity && capacity != terms.Capacity)
                {
                    Expect(owner, new LockRefused(key, RefusalReason.CapacityMismatch, ""));
                    Count(c => c.CapacityMismatches++);
                }
                else if (IsHeldBy(key, owner))
                {
                    Expect(owner, new LockBusy(key, owner));
                }
                else if (IsAwaited(key) || !Admits(key, terms.Mode, terms.Permits))
                {
                    // Any current holder may be named; none when the key is only promised to a waiter.
                    var holders = _holders[key];
                    ExpectOneOf(owner, holders.Count == 0 ? [new LockBusy(key, null)] : holders.Select(h => (object)new LockBusy(key, h.Owner)));
                    Count(c => c.BusyWithSeveralHolders += holders.Count > 1 ? 1 : 0);
                }
                else
                {
                    BringIntoUse([key], terms);
                    Grant(owner, owner, [key], isMulti: false, terms.Mode, terms.Permits);
                }

                break;
            }

            case AwaitOp x:
            {
                var owner = _owners[x.Owner];
                var replyTo = NewRequest(owner, x.ReplyToOwner);
                var key = Keys[x.Key];
                _table.Await(owner, replyTo, key, x.Timeout.ToTimeSpan(), x.Terms, _now);
                RequestWait(owner, replyTo, [key], isMulti: false, x.Terms, x.Timeout, _settings.DefaultAwaitTimeout);
                break;
            }

            case AwaitAllOp x:
            {
                var owner = _owners[x.Owner];
                var replyTo = NewRequest(owner, x.ReplyToOwner);
                var keys = x.Keys.Select(i => Keys[i]).ToArray();
                _table.AwaitAll(owner, replyTo, keys, x.Timeout.ToTimeSpan(), x.Terms, _now);
                if (FirstDuplicate(keys) is { } duplicate)
                {
                    Expect(replyTo, new LockRefused(duplicate, RefusalReason.DuplicateKey, ""));
                }
                else
                {
                    RequestWait(owner, replyTo, keys, isMulti: true, x.Terms, x.Timeout, _settings.DefaultAwaitTimeout);
                }

                break;
            }

            case ReleaseOp x:
            {
                var owner = _owners[x.Owner];
                if (PickGrant(owner, x.Pick, x.Source) is not { } grant)
                {
                    break;
                }

                _table.Release(owner, owner, grant);
                if (CheckOwnership(owner, owner, grant.Keys, grant.FencingToken))
                {
                    Free(owner, grant.Keys);
                    Expect(owner, new Released(grant.Keys));
                }

                break;
            }

            case ReleaseKeysOp x:
            {
                var owner = _owners[x.Owner];
                var keys = x.Keys.Select(i => Keys[i]).ToArray();
                if (x.OnlyHeldKeys && keys.Where(k => IsHeldBy(k, owner)).ToArray() is { Length: > 0 } mine)
                {
                    keys = mine;
                }

                _table.ReleaseKeys(owner, owner, keys);
                if (FirstDuplicate(keys) is { } duplicate)
                {
                    Expect(owner, new LockRefused(duplicate, RefusalReason.DuplicateKey, ""));
                }
                else if (CheckOwnership(owner, owner, keys, token: null))
                {
                    Free(owner, keys);
                    Expect(owner, new Released(keys));
                }

                break;
            }

            case GiveAwayOp x:
            {
                var owner = _owners[x.Owner];
                IActorRef? heir = x.Heir switch
                {
                    GiveAwayOp.NullHeir => null,
                    GiveAwayOp.NobodyHeir => ActorRefs.Nobody,
                    var i => _owners[i],
                };
                if (PickGrant(owner, x.Pick, x.Source) is not { } grant)
                {
                    break;
                }

                var gift = $"gift{_step}";
                _table.GiveAway(owner, owner, grant, heir, gift);
                if (heir is null || heir.IsNobody())
                {
                    Expect(owner, new LockRefused(null, RefusalReason.InvalidRequest, ""));
                }
                else if (CheckOwnership(owner, owner, grant.Keys, grant.FencingToken))
                {
                    // Only an owner that passed the ownership check is told it names itself.
                    if (heir.Equals(owner))
                    {
                        Expect(owner, new LockRefused(grant.Keys[0], RefusalReason.AlreadyOwner, ""));
                        break;
                    }

                    if (grant.Keys.FirstOrDefault(k => IsHeldBy(k, heir)) is { } taken)
                    {
                        Expect(owner, new LockRefused(taken, RefusalReason.AlreadyOwner, ""));
                        break;
                    }

                    foreach (var key in grant.Keys)
                    {
                        var holders = _holders[key];
                        var given = holders.Single(h => Same(h.Owner, owner));
                        holders.Remove(given);
                        holders.Add(new Holding(heir, given.Mode, given.Permits));
                    }

                    var newGrant = MakeGrant(grant.Keys, grant.IsMulti, heir, grant.Mode, grant.Permits);
                    Expect(owner, new GaveAway(newGrant));
                    Expect(heir, new LockTransferred(owner, newGrant, gift));
                    RefuseSelfDeadlocks(heir);
                }

                break;
            }

            case GoodbyeOp x:
            {
                var owner = _owners[x.Owner];
                _table.Goodbye(owner, owner);
                var released = ClearOwner(owner, dead: false);
                Expect(owner, new GoodbyeDone(released));
                break;
            }

            case CancelAwaitOp x:
            {
                var owner = _owners[x.Owner];
                var keys = x.Keys?.Select(i => Keys[i]).ToArray();
                _table.CancelAwait(owner, owner, keys);
                foreach (var wait in _waits.Where(w => Same(w.Owner, owner) && (keys is null || w.Keys.Any(keys.Contains))).ToList())
                {
                    _waits.Remove(wait);
                    Expect(wait.ReplyTo, new AwaitCancelled(wait.Keys));
                }

                break;
            }

            case DieOp x:
            {
                var owner = _owners[x.Owner];
                _fx.ActorDied(owner);
                _table.Terminated(owner);
                ClearOwner(owner, dead: true);

                // A dead actor never comes back: the slot is a fresh actor from now on.
                _generation[x.Owner]++;
                _owners[x.Owner] = new FakeRef($"o{x.Owner}.{_generation[x.Owner]}");
                break;
            }

            case AdvanceOp x:
            {
                _now = x.ToNextWake && _fx.LastWakeAt is { } wake && wake > _now && wake != LockTable.Never ? wake : _now + x.Ms;
                _table.ExpireDue(_now);
                foreach (var wait in _waits.Where(w => w.Deadline <= _now).ToList())
                {
                    _waits.Remove(wait);
                    Expect(wait.ReplyTo, new LockTimedOut(wait.Keys));
                }

                break;
            }

            case SweepIdleOp:
                _table.SweepIdleOwners();
                _sweeps++;
                break;

            default:
                throw new InvalidOperationException($"unknown operation {op}");
        }

        Settle();
    }

    private IActorRef NewRequest(IActorRef owner, bool replyToOwner)
    {
        if (replyToOwner)
        {
            return owner;
        }

        // Its own reply address, so every reply can be traced to this one request.
        var replyTo = new FakeRef($"request{++_requests}");
        _finalRepliesByRequest[replyTo] = 0;
        return replyTo;
    }
}
