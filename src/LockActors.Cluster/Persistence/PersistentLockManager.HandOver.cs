namespace LockActors.Cluster.Persistence;

// The message that ends an incarnation at a hand-over: the termination message of the singleton.
internal sealed partial class PersistentLockManager
{
    /// <summary>
    /// Tells the manager to hand over: it finishes its writes, answers what they answer, saves a
    /// snapshot and stops (and so does the supervisor of <see cref="SupervisedProps"/>). Requests
    /// that arrive meanwhile are not handled. The termination message of a cluster singleton.
    /// </summary>
    public sealed class HandOver
    {
        /// <summary>The message.</summary>
        public static readonly HandOver Instance = new();

        private HandOver()
        {
        }
    }
}
