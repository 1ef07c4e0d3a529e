using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: keys are any non-null objects with value equality, and two keys are the same key
// exactly when Equals says so: equal records, tuples and Guids name one lock, while 1 and 1.0,
// 1 and 1L, or "a" and "A" are different locks.
public sealed class KeyEqualitySpecs : LockSpecBase
{
    // Enum and Guid keys do not survive Akka's default serializer (a node that sends them needs a
    // serializer that keeps their types): these specs are about equality at the manager.
    public KeyEqualitySpecs(ITestOutputHelper output) : base(output, serializeMessages: false)
    {
    }

    private sealed record OrderKey(int Id, string Region);

    private enum Shelf
    {
        Top,
        Bottom,
    }

    public static TheoryData<string, object, object> SameKeys => new()
    {
        { "equal records", new OrderKey(7, "eu"), new OrderKey(7, "eu") },
        { "equal tuples", (1, "a"), (1, "a") },
        { "equal Guids", Guid.Parse("5f0c6a4e-8d1b-4b7e-9d43-0a1b2c3d4e5f"), Guid.Parse("5f0c6a4e-8d1b-4b7e-9d43-0a1b2c3d4e5f") },
        { "equal strings built apart", "user:" + 1, string.Concat("user:", "1") },
        { "equal enums", Shelf.Top, Shelf.Top },
        { "equal longs", 42L, 42L },
    };

    public static TheoryData<string, object, object> DifferentKeys => new()
    {
        { "1 and 1.0", 1, 1.0 },
        { "1 and 1L", 1, 1L },
        { "a and A", "a", "A" },
        { "records that differ in one field", new OrderKey(7, "eu"), new OrderKey(7, "us") },
        { "two enum values", Shelf.Top, Shelf.Bottom },
    };

    [Theory]
    [MemberData(nameof(SameKeys))]
    public void Keys_that_are_Equal_name_the_same_lock(string what, object first, object second)
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var other = CreateTestProbe();
        Lock(manager, owner, first);

        other.Send(manager, new TryLock(second));

        Assert.Equal(owner.Ref, other.ExpectMsg<LockBusy>(Patience).Owner);
        Assert.Equal(owner.Ref, WhereIs(manager, second));
        other.Send(manager, new AwaitAll(new[] { first, second }));
        Assert.Equal(RefusalReason.DuplicateKey, other.ExpectMsg<LockRefused>(Patience).Cause);
        Assert.NotNull(what);
    }

    [Theory]
    [MemberData(nameof(DifferentKeys))]
    public void Keys_that_are_not_Equal_are_different_locks(string what, object first, object second)
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var other = CreateTestProbe();
        Lock(manager, owner, first);

        Assert.Equal(other.Ref, Lock(manager, other, second).Owner);
        Assert.Equal(owner.Ref, WhereIs(manager, first));
        Assert.Equal(other.Ref, WhereIs(manager, second));
        Assert.NotNull(what);
    }
}
