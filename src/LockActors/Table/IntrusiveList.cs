namespace LockActors.Table;

/// <summary>An item's two links in one kind of <see cref="IntrusiveList{T, TLinks}"/>; both null when it is in none.</summary>
internal struct Links<T>
    where T : class
{
    /// <summary>The item before this one, or null when this one is first (or not listed).</summary>
    public T? Prev;

    /// <summary>The item after this one, or null when this one is last (or not listed).</summary>
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
/// A doubly linked list threaded through its items: the list keeps its first and last item, each
/// item its previous and next (null at the ends). Adding and removing cost O(1) and allocate
/// nothing. Every list of the lock table is one of these.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and call its methods on the field, never on a copy.</remarks>
internal struct IntrusiveList<T, TLinks>
    where T : class
    where TLinks : ILinksOf<T>
{
    /// <summary>The first item, or null when the list is empty.</summary>
    public T? First;

    /// <summary>The last item, or null when the list is empty.</summary>
    public T? Last;

    public readonly bool IsEmpty => First is null;

    /// <summary>The item after <paramref name="item"/>, or null when it is last.</summary>
    public static T? Next(T item) => TLinks.Of(item).Next;

    /// <summary>The item before <paramref name="item"/>, or null when it is first.</summary>
    public static T? Prev(T item) => TLinks.Of(item).Prev;

    /// <summary>True when <paramref name="item"/> is in this list (it must be in no other list of the same kind).</summary>
    public readonly bool Contains(T item) => ReferenceEquals(First, item) || TLinks.Of(item).Prev is not null;

    public void AddFirst(T item) => InsertAfter(null, item);

    public void AddLast(T item) => InsertAfter(Last, item);

    /// <summary>Inserts <paramref name="item"/> after <paramref name="after"/>, or first when it is null.</summary>
    public void InsertAfter(T? after, T item)
    {
        ref var links = ref TLinks.Of(item);
        links.Prev = after;
        links.Next = after is null ? First : TLinks.Of(after).Next;
        if (links.Next is null)
        {
            Last = item;
        }
        else
        {
            TLinks.Of(links.Next).Prev = item;
        }

        if (after is null)
        {
            First = item;
        }
        else
        {
            TLinks.Of(after).Next = item;
        }
    }

    /// <summary>Takes <paramref name="item"/>, which is in this list, out of it.</summary>
    public void Remove(T item)
    {
        ref var links = ref TLinks.Of(item);
        if (links.Prev is null)
        {
            First = links.Next;
        }
        else
        {
            TLinks.Of(links.Prev).Next = links.Next;
        }

        if (links.Next is null)
        {
            Last = links.Prev;
        }
        else
        {
            TLinks.Of(links.Next).Prev = links.Prev;
        }

        links = default;
    }

    /// <summary>Forgets every item (their links are left as they are: use only when dropping them all).</summary>
    public void Clear() => this = default;
}
