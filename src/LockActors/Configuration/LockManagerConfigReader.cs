using Akka.Actor;
using Akka.Configuration;

namespace LockActors.Configuration;

/// <summary>
/// Reads <see cref="LockManagerSettings"/> from a HOCON section shaped as <c>lockactors.manager</c>
/// in the embedded <c>reference.conf</c>, whose values fill in every key the section leaves out.
/// </summary>
internal static class LockManagerConfigReader
{
    /// <summary>The path of the manager's section in an actor system's configuration.</summary>
    internal const string SectionPath = "lockactors.manager";

    private const string ResourceName = "LockActors.reference.conf";

    /// <summary>The embedded <c>reference.conf</c>: every setting at its default, under <see cref="SectionPath"/>.</summary>
    internal static Config Reference { get; } = ConfigurationFactory.FromResource(ResourceName, typeof(LockManagerConfigReader).Assembly);

    /// <summary>Settings from <paramref name="system"/>'s <c>lockactors.manager</c>, the reference filling in what it lacks.</summary>
    internal static LockManagerSettings Read(ActorSystem system) =>
        Read(system.Settings.Config.GetConfig(SectionPath), SectionPath);

    /// <summary>
    /// Settings from <paramref name="section"/>, the reference filling in what it lacks; an error
    /// names each key as <paramref name="sectionPath"/><c>.key</c>.
    /// </summary>
    /// <exception cref="ConfigurationException">A value is malformed or out of range; the message names its path and the value.</exception>
    internal static LockManagerSettings Read(Config? section, string sectionPath)
    {
        var config = (section ?? Config.Empty).WithFallback(Reference.GetConfig(SectionPath));
        var settings = LockManagerSettings.Default;
        settings = Apply(config, sectionPath, "default-await-timeout",
            key => settings with { DefaultAwaitTimeout = config.GetTimeSpan(key, null, allowInfinite: true) });
        settings = Apply(config, sectionPath, "max-keys-per-request",
            key => settings with { MaxKeysPerRequest = config.GetInt(key) });
        settings = Apply(config, sectionPath, "idle-owner-watch-time",
            key => settings with { IdleOwnerWatchTime = config.GetTimeSpan(key, null, allowInfinite: false) });
        settings = Apply(config, sectionPath, "max-idle-owners-watched",
            key => settings with { MaxIdleOwnersWatched = config.GetInt(key) });
        settings = Apply(config, sectionPath, "metrics-per-key-tags",
            key => settings with { MetricsPerKeyTags = config.GetBoolean(key) });
        if (config.HasPath("metadata"))
        {
            settings = Apply(config, sectionPath, "metadata", key => settings with { Metadata = config.GetString(key) });
        }

        return settings;
    }

    /// <summary>Runs <paramref name="read"/> for <paramref name="key"/>, turning any failure into one that names the key's path and value.</summary>
    private static LockManagerSettings Apply(Config config, string sectionPath, string key, Func<string, LockManagerSettings> read)
    {
        try
        {
            return read(key);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string value;
            try
            {
                value = config.GetString(key) ?? "(empty)";
            }
            catch (Exception)
            {
                value = "(not a simple value)";
            }

            throw new ConfigurationException($"{sectionPath}.{key} = \"{value}\" is not valid: {e.Message}", e);
        }
    }
}
