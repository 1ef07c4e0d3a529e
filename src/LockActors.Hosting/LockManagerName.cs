using Akka.Actor;

namespace LockActors.Hosting;

/// <summary>The rule every registration applies to a lock manager's actor name.</summary>
internal static class LockManagerName
{
    /// <summary>Checks that <paramref name="name"/> can name the manager's actor.</summary>
    /// <param name="name">The name given to a registration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name (one path element, not starting with '$').</exception>
    public static void Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("The lock manager's name must not be empty.", nameof(name));
        }

        if (!ActorPath.IsValidPathElement(name))
        {
            throw new ArgumentException(
                $"The lock manager's name \"{name}\" is not a valid actor name (an actor name is one path element, not starting with '$').",
                nameof(name));
        }
    }
}
