namespace LockActors.Table;

/// <summary>
/// The holdings of one owner that a release or give-away acts on, in key order: a single-key grant's
/// one holding without an array, several in one.
/// </summary>
internal readonly struct FoundHoldings
{
    private readonly Holding? _one;
    private readonly Holding[]? _many;

    private FoundHoldings(Holding? one, Holding[]? many)
    {
        _one = one;
        _many = many;
    }

    /// <summary>How many holdings there are.</summary>
    public int Count => _many?.Length ?? 1;

    /// <summary>The holding at <paramref name="index"/>, in key order.</summary>
    public Holding this[int index] => _many is null ? _one! : _many[index];

    /// <summary>Holdings of the same owner for the keys of a request, in key order.</summary>
    /// <param name="holdings">One holding per key; its single holding is kept without the array.</param>
    public static FoundHoldings Of(Holding[] holdings) => holdings.Length == 1 ? new(holdings[0], null) : new(null, holdings);

    /// <summary>The one holding of a single-key request.</summary>
    public static FoundHoldings Of(Holding holding) => new(holding, null);

    /// <summary>Walks the holdings in key order.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Walks the holdings in key order, with no allocation.</summary>
    public struct Enumerator(FoundHoldings holdings)
    {
        private int _index = -1;

        /// <summary>The holding reached.</summary>
        public readonly Holding Current => holdings[_index];

        /// <summary>Moves to the next holding; false after the last.</summary>
        public bool MoveNext() => ++_index < holdings.Count;
    }
}
