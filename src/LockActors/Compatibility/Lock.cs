#if !NET9_0_OR_GREATER
namespace System.Threading;

/// <summary>
/// Stands in on .NET 8 for <c>System.Threading.Lock</c> (new in .NET 9), so that code written for it
/// compiles unchanged: the compiler turns a <c>lock</c> statement over a <c>Lock</c> into
/// <see cref="EnterScope"/> and <see cref="Scope.Dispose"/>, which here take and release a
/// monitor, as a <c>lock</c> statement over an object would.
/// </summary>
internal sealed class Lock
{
    private readonly object _monitor = new();

    /// <summary>Waits for and takes the lock; the returned scope releases it when disposed.</summary>
    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(_monitor);
    }

    /// <summary>A held <see cref="Lock"/>, released by <see cref="Dispose"/>.</summary>
    public readonly ref struct Scope
    {
        private readonly object _monitor;

        internal Scope(object monitor) => _monitor = monitor;

        /// <summary>Releases the lock.</summary>
        public void Dispose() => Monitor.Exit(_monitor);
    }
}
#endif
