using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using LockActors.Table.Events;

namespace LockActors.Tests.Serialization;

/// <summary>A key of a type the wire format does not know: it travels through Akka's serializer for its type.</summary>
public sealed record OrderKey(string Region, int Number);

/// <summary>
/// Generators of every message of the protocol, with every kind of key (string, int, long, Guid, a
/// record through Akka's serializer), null where a field may be null, and key lists from empty to
/// large. Actor references are drawn from <paramref name="actors"/>, which must resolve in the
/// actor system that reads the messages back.
/// </summary>
public sealed class MessageGen(IReadOnlyList<IActorRef> actors)
{
    public static readonly Gen<object> Key = Gen.OneOf(
        Gen.Elements("", "printer", "clé-ü-😀", new string('k', 300)).Select(k => (object)k),
        ArbMap.Default.GeneratorFor<int>().Select(k => (object)k),
        Gen.Elements(int.MinValue, int.MaxValue, 0, -1).Select(k => (object)k),
        ArbMap.Default.GeneratorFor<long>().Select(k => (object)k),
        Gen.Elements(long.MinValue, long.MaxValue, 1L << 40).Select(k => (object)k),
        Gen.Fresh(() => (object)Guid.NewGuid()),
        Gen.Constant((object)Guid.Empty),
        from region in Gen.Elements("eu", "us", "")
        from number in ArbMap.Default.GeneratorFor<int>()
        select (object)new OrderKey(region, number));

    /// <summary>Gift data, metadata, a forwarded message: null or any key.</summary>
    public static readonly Gen<object?> Value = Gen.Frequency(
        (1, Gen.Constant<object?>(null)),
        (4, Key.Select(k => (object?)k)));

    /// <summary>Key lists: empty, a few keys, or a large list.</summary>
    public static readonly Gen<object[]> Keys = Gen.Frequency(
        (1, Gen.Constant(Array.Empty<object>())),
        (8, Gen.Choose(1, 6).SelectMany(n => Key.ArrayOf(n))),
        (1, Key.ArrayOf(2_000)));

    public static readonly Gen<TimeSpan?> Timeout = Gen.Elements<TimeSpan?>(
        null, TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(-5),
        TimeSpan.FromMilliseconds(250), TimeSpan.FromDays(3), TimeSpan.FromTicks(1));

    /// <summary>Labels: none, empty, or words up to the longest accepted.</summary>
    public static readonly Gen<string?> Label = Gen.Elements<string?>(null, null, "", "user-42", "nightly-import ✓", new string('l', LockOptions.MaxLabelLength));

    public static readonly Gen<LockOptions?> Options = Gen.Frequency(
        (1, Gen.Constant<LockOptions?>(null)),
        (2, Gen.Elements<LockOptions?>(LockOptions.Exclusive, LockOptions.Shared, LockOptions.Semaphore(10, 4))),
        (4,
            from mode in Gen.Elements(LockMode.Exclusive, LockMode.Shared)
            from capacity in Gen.Choose(1, 100)
            from permits in Gen.Choose(1, capacity)
            from priority in Gen.Choose(-3, 3)
            from timeout in Timeout
            from label in Label
            select (LockOptions?)new LockOptions { Mode = mode, Capacity = capacity, Permits = permits, Priority = priority, Timeout = timeout, Label = label }));

    private static readonly Gen<long> Token = Gen.OneOf(
        ArbMap.Default.GeneratorFor<long>(),
        Gen.Elements(0L, 1L, long.MaxValue, DateTime.UtcNow.Ticks));

    private static readonly Gen<string> Text = Gen.Elements("", "Key \"k\" is busy.", "ünïcödé ✓", new string('x', 5000));

    public Gen<IActorRef> Actor => Gen.Elements(actors.ToArray());

    public Gen<IActorRef?> MaybeActor => Gen.Frequency((1, Gen.Constant<IActorRef?>(null)), (3, Actor.Select(a => (IActorRef?)a)));

    public Gen<LockGrant> Grant =>
        from keys in Gen.Choose(1, 5).SelectMany(n => Key.ArrayOf(n))
        from owner in Actor
        from token in Token
        from metadata in Value
        from mode in Gen.Elements(LockMode.Exclusive, LockMode.Shared)
        from permits in Gen.Choose(1, 9)
        select new LockGrant(keys, keys.Length > 1, owner, token, metadata) { Mode = mode, Permits = permits };

    public Gen<LockHolder> Holder =>
        from owner in Actor
        from mode in Gen.Elements(LockMode.Exclusive, LockMode.Shared)
        from permits in Gen.Choose(1, 9)
        from token in Token
        from label in Label
        select new LockHolder(owner, mode, permits, token) { Label = label };

    public Gen<LockWaiter> Waiter =>
        from owner in Actor
        from mode in Gen.Elements(LockMode.Exclusive, LockMode.Shared)
        from permits in Gen.Choose(1, 9)
        from priority in Gen.Choose(-2, 2)
        from keys in Gen.Choose(1, 4).SelectMany(n => Key.ArrayOf(n))
        from label in Label
        select new LockWaiter(owner, mode, permits, priority, keys) { Label = label };

    /// <summary>Every request, reply and record of the protocol, and every event and snapshot of the lock table.</summary>
    public Gen<object> Message => Gen.OneOf(Requests.Concat(Replies).Concat(Overview).Concat(Records).Concat(Events).ToArray());

    private IEnumerable<Gen<object>> Requests =>
    [
        from key in Key from owner in MaybeActor from options in Options
        select (object)new TryLock(key) { Owner = owner, Options = options! },
        from key in Key from timeout in Timeout from owner in MaybeActor from options in Options
        select (object)new Await(key, timeout) { Owner = owner, Options = options! },
        from keys in Keys from timeout in Timeout from owner in MaybeActor from options in Options
        select (object)new AwaitAll(keys, timeout) { Owner = owner, Options = options! },
        from grant in Grant from owner in MaybeActor select (object)new Release(grant) { Owner = owner },
        from keys in Keys from owner in MaybeActor select (object)new ReleaseKeys(keys) { Owner = owner },
        MaybeActor.Select(owner => (object)new Goodbye { Owner = owner }),
        from grant in Grant from heir in Actor from gift in Value from owner in MaybeActor
        select (object)new GiveAway(grant, heir, gift) { Owner = owner },
        from keys in Gen.Frequency((1, Gen.Constant<object[]?>(null)), (3, Keys.Select(k => (object[]?)k)))
        from owner in MaybeActor
        select (object)new CancelAwait(keys) { Owner = owner },
        Key.Select(key => (object)new WhereIs(key)),
        from key in Key from message in Key select (object)new SendToOwner(key, message),
        Gen.Constant((object)GetMeta.Instance),
        Key.Select(key => (object)new Inspect(key)),
    ];

    private IEnumerable<Gen<object>> Replies =>
    [
        Grant.Select(grant => (object)new LockAcquired(grant)),
        from key in Key from owner in MaybeActor from label in Label select (object)new LockBusy(key, owner) { OwnerLabel = label },
        Keys.Select(keys => (object)new LockTimedOut(keys)),
        from key in Value
        from cause in Gen.Elements(Enum.GetValues<RefusalReason>())
        from message in Text
        select (object)new LockRefused(key, cause, message),
        Keys.Select(keys => (object)new AwaitCancelled(keys)),
        Keys.Select(keys => (object)new Released(keys)),
        from key in Key
        from cause in Gen.Elements(Enum.GetValues<ReleaseFailure>())
        from owner in MaybeActor
        select (object)new ReleaseFailed(key, cause, owner),
        Keys.Select(keys => (object)new GoodbyeDone(keys)),
        Grant.Select(grant => (object)new GaveAway(grant)),
        from giver in Actor from grant in Grant from gift in Value select (object)new LockTransferred(giver, grant, gift),
        from key in Key from owner in MaybeActor select (object)new KeyOwner(key, owner),
        Key.Select(key => (object)new NoOwner(key)),
        Value.Select(metadata => (object)new ManagerMeta(metadata)),
        from grant in Grant from message in Text select (object)new LockLost(grant, message),
        Status.Select(status => (object)status),
    ];

    private IEnumerable<Gen<object>> Records =>
    [
        Grant.Select(grant => (object)grant),
        Options.Where(o => o is not null).Select(o => (object)o!),
        Holder.Select(holder => (object)holder),
        Waiter.Select(waiter => (object)waiter),
    ];

    private static readonly Gen<LockMode> Mode = Gen.Elements(LockMode.Exclusive, LockMode.Shared);

    private static readonly Gen<object[]> GrantKeys = Gen.Choose(1, 5).SelectMany(n => Key.ArrayOf(n));

    private Gen<WaitQueued> Queued =>
        from owner in Actor
        from replyTo in MaybeActor
        from keys in GrantKeys
        from mode in Mode
        from capacity in Gen.Choose(1, 10)
        from permits in Gen.Choose(1, capacity)
        from priority in Gen.Choose(-2, 2)
        from deadline in Gen.OneOf(Token, Gen.Constant(LockTableEvents.NoDeadline))
        from label in Label
        from queuedAt in Gen.OneOf(Token, Gen.Constant(0L))
        select new WaitQueued(owner, replyTo, keys, keys.Length > 1, mode, permits, capacity, priority, deadline, label, queuedAt);

    private Gen<HeldKey> Held =>
        from owner in Actor
        from key in Key
        from capacity in Gen.Choose(1, 10)
        from token in Token
        from mode in Mode
        from permits in Gen.Choose(1, capacity)
        from grantKeys in Gen.Frequency((2, Gen.Constant<object[]?>(null)), (1, GrantKeys.Select(k => (object[]?)k)))
        from label in Label
        select new HeldKey(owner, key, capacity, token, mode, permits, grantKeys, label);

    private IEnumerable<Gen<object>> Events =>
    [
        .. TableEvents,
        Gen.Choose(0, 12).SelectMany(n => Gen.OneOf(TableEvents).ArrayOf(n))
            .Select(events => (object)new LockEventBatch(events.Cast<LockTableEvent>().ToArray())),
        from lastToken in Token
        from holdings in Gen.Choose(0, 8).SelectMany(n => Held.ArrayOf(n))
        from waits in Gen.Choose(0, 8).SelectMany(n => Queued.ArrayOf(n))
        select (object)new LockTableSnapshot(lastToken, holdings, waits),
    ];

    private Gen<object>[] TableEvents =>
    [
        from owner in Actor from keys in GrantKeys from token in Token from mode in Mode
        from permits in Gen.Choose(1, 9) from capacity in Gen.Choose(1, 9) from metadata in Value from label in Label
        select (object)new LockGranted(owner, keys, keys.Length > 1, token, mode, permits, capacity, metadata, label),
        from owner in Actor from keys in GrantKeys select (object)new LockReleased(owner, keys),
        from giver in Actor from heir in Actor from keys in GrantKeys from token in Token from mode in Mode from permits in Gen.Choose(1, 9)
        select (object)new GrantGivenAway(giver, heir, keys, keys.Length > 1, token, mode, permits),
        from owner in Actor from terminated in ArbMap.Default.GeneratorFor<bool>() select (object)new OwnerGone(owner, terminated),
        Queued.Select(wait => (object)wait),
        from owner in Actor from key in Key from position in Gen.Choose(0, 1000) from reason in Gen.Elements(Enum.GetValues<WaitEndReason>())
        select (object)new WaitEnded(owner, key, position, reason),
    ];

    private Gen<KeyStatus> Status =>
        from key in Key
        from capacity in Gen.Choose(1, 20)
        from holders in Gen.Choose(0, 4).SelectMany(n => Holder.ArrayOf(n))
        from queue in Gen.Choose(0, 6).SelectMany(n => Waiter.ArrayOf(n))
        select new KeyStatus(key, capacity, holders, queue);

    private static readonly Gen<string?> PrefixOrCursor = Gen.Elements<string?>(null, "", "order:", "k\u0001|2");

    private static readonly Gen<HotKey> Hot =
        from key in Key
        from waiters in Gen.Choose(0, 500)
        from longest in Gen.Elements(TimeSpan.Zero, TimeSpan.FromMilliseconds(3), TimeSpan.FromHours(2))
        select new HotKey(key, waiters, longest);

    private Gen<WaitEdge> Edge =>
        from waiter in Actor
        from key in Key
        from holder in Actor
        from waiterLabel in Label
        from holderLabel in Label
        select new WaitEdge(waiter, key, holder) { WaiterLabel = waiterLabel, HolderLabel = holderLabel };

    private IEnumerable<Gen<object>> Overview =>
    [
        from prefix in PrefixOrCursor from after in PrefixOrCursor from pageSize in Gen.Elements(1, ListLocks.DefaultPageSize, ListLocks.MaxPageSize, 0, -3)
        select (object)new ListLocks(prefix, after, pageSize),
        from keys in Gen.Choose(0, 5).SelectMany(n => Status.ArrayOf(n)) from cursor in PrefixOrCursor from inUse in Gen.Choose(0, 100_000)
        select (object)new LockList(keys, cursor, inUse),
        Gen.Elements(1, GetHotKeys.DefaultCount, GetHotKeys.MaxCount, 0).Select(count => (object)new GetHotKeys(count)),
        from byWaiters in Gen.Choose(0, 5).SelectMany(n => Hot.ArrayOf(n)) from byLongest in Gen.Choose(0, 5).SelectMany(n => Hot.ArrayOf(n))
        select (object)new HotKeys(byWaiters, byLongest),
        Gen.Elements(1, GetWaitGraph.DefaultMaxEdges, GetWaitGraph.MaxEdgesLimit, -1).Select(max => (object)new GetWaitGraph(max)),
        from edges in Gen.Choose(0, 8).SelectMany(n => Edge.ArrayOf(n)) from truncated in ArbMap.Default.GeneratorFor<bool>()
        select (object)new WaitGraph(edges, truncated),
    ];
}
