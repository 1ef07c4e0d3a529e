namespace LockActors.Table;

/// <summary>An item's two links in one kind of <see cref="IntrusiveList{T, TLinks}"/>; both null when it is in none.</summary>
internal struct Links<T>
    where T : class
{
    /// <summary>The item before this one (the last when this one is first), or null when it is in no list.</summary>
    public T? Prev;

    /// <summary>The item after this one (the first when this one is last), or null when it is in no list.</summary>
    public T? Next;
}

/// <summary>
/// Where an item keeps its <see cref="Links{T}"/> for one kind of list, so one item can be in
/// several kinds at once (a wait is in a key's queue and in its owner's list of waits).
/// </summary>
internal interface ILinksOf<T>
    where T : class
{
    /// <summary>The links of <paramref name="item"/> for this kind of list.</summary>
    static abstract ref Links<T> Of(T item);
}

/// <summary>
/// A circular doubly linked list threaded through its items, as the BCL's LinkedList is but with
/// the links in the items: the list keeps only its first item, whose Prev is the last, and the
/// last item's Next is the first. An item is in a list exactly when its links are set. Adding and
/// removing cost O(1) and allocate nothing. Every list of the lock table is one of these.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and call its methods on the field, never on a copy.</remarks>
internal struct IntrusiveList<T, TLinks>
    where T : class
    where TLinks : ILinksOf<T>
{
    /// <summary>The first item, or null when the list is empty.</summary>
    public T? First { readonly get; private set; }

    /// <summary>The last item, or null when the list is empty.</summary>
    public readonly T? Last => First is null ? null : TLinks.Of(First).Prev;

    public readonly bool IsEmpty => First is null;

    /// <summary>True when <paramref name="item"/> is in a list of this kind.</summary>
    public static bool IsListed(T item) => TLinks.Of(item).Next is not null;

    /// <summary>The item after <paramref name="item"/> (which is in this list), or null when it is last.</summary>
    public readonly T? Next(T item)
    {
        var next = TLinks.Of(item).Next;
        return ReferenceEquals(next, First) ? null : next;
    }

    /// <summary>The item before <paramref name="item"/> (which is in this list), or null when it is first.</summary>
    public readonly T? Prev(T item) => ReferenceEquals(item, First) ? null : TLinks.Of(item).Prev;

    public void AddFirst(T item) => InsertAfter(null, item);

    public void AddLast(T item) => InsertAfter(Last, item);

    /// <summary>Inserts <paramref name="item"/>, in no list, after <paramref name="after"/>, or first when it is null.</summary>
    public void InsertAfter(T? after, T item)
    {
        ref var links = ref TLinks.Of(item);
        if (First is null)
        {
            links.Prev = links.Next = item;
            First = item;
            return;
        }

        var prev = after ?? TLinks.Of(First).Prev!;
        ref var prevLinks = ref TLinks.Of(prev);
        links.Prev = prev;
        links.Next = prevLinks.Next;
        TLinks.Of(prevLinks.Next!).Prev = item;
        prevLinks.Next = item;
        if (after is null)
        {
            First = item;
        }
    }

    /// <summary>Takes <paramref name="item"/>, which is in this list, out of it.</summary>
    public void Remove(T item)
    {
        ref var links = ref TLinks.Of(item);
        if (ReferenceEquals(links.Next, item))
        {
            First = null;
        }
        else
        {
            TLinks.Of(links.Prev!).Next = links.Next;
            TLinks.Of(links.Next!).Prev = links.Prev;
            if (ReferenceEquals(First, item))
            {
                First = links.Next;
            }
        }

        links = default;
    }

    /// <summary>Forgets every item (their links are left as they are: use only when dropping them all).</summary>
    public void Clear() => First = null;
}
