using System.Globalization;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace LockActors.Hosting;

/// <summary>
/// Reads <see cref="LockManagerSettings"/> from a .NET configuration section (appsettings.json,
/// environment variables, …) with the keys <c>DefaultAwaitTimeout</c>, <c>MaxKeysPerRequest</c>,
/// <c>IdleOwnerWatchTime</c>, <c>MaxIdleOwnersWatched</c>, <c>MetricsPerKeyTags</c> and <c>Metadata</c>.
/// Durations are written as .NET time spans (<c>"00:00:05"</c> is five seconds), switches as
/// <c>true</c> or <c>false</c>.
/// </summary>
/// <example>
/// <code>
/// // appsettings.json: { "LockActors": { "DefaultAwaitTimeout": "00:00:02", "MaxKeysPerRequest": 64 } }
/// var section = builder.Configuration.GetSection("LockActors");
/// builder.Services.AddAkka("app", akka =&gt; akka.WithLockManager("locks",
///     hocon =&gt; LockManagerConfiguration.FromConfiguration(section, hocon) with { Metadata = "orders-db" }));
/// </code>
/// </example>
public static class LockManagerConfiguration
{
    /// <summary>
    /// Settings from <paramref name="section"/>: each key present replaces the value of
    /// <paramref name="fallback"/>, each key absent keeps it.
    /// </summary>
    /// <param name="section">The section (for instance <c>configuration.GetSection("LockActors")</c>); a missing section changes nothing.</param>
    /// <param name="fallback">The settings the section overrides (for instance those read from HOCON); null for <see cref="LockManagerSettings.Default"/>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="section"/> is null.</exception>
    /// <exception cref="ConfigurationException">A value is malformed or out of range; the message names its path (e.g. <c>LockActors:DefaultAwaitTimeout</c>) and the value.</exception>
    public static LockManagerSettings FromConfiguration(IConfiguration section, LockManagerSettings? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var settings = fallback ?? LockManagerSettings.Default;
        settings = Apply(section, nameof(LockManagerSettings.DefaultAwaitTimeout), settings,
            (s, value) => s with { DefaultAwaitTimeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture) });
        settings = Apply(section, nameof(LockManagerSettings.MaxKeysPerRequest), settings,
            (s, value) => s with { MaxKeysPerRequest = int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture) });
        settings = Apply(section, nameof(LockManagerSettings.IdleOwnerWatchTime), settings,
            (s, value) => s with { IdleOwnerWatchTime = TimeSpan.Parse(value, CultureInfo.InvariantCulture) });
        settings = Apply(section, nameof(LockManagerSettings.MaxIdleOwnersWatched), settings,
            (s, value) => s with { MaxIdleOwnersWatched = int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture) });
        settings = Apply(section, nameof(LockManagerSettings.MetricsPerKeyTags), settings,
            (s, value) => s with { MetricsPerKeyTags = bool.Parse(value) });
        settings = Apply(section, nameof(LockManagerSettings.Metadata), settings, (s, value) => s with { Metadata = value });
        return settings;
    }

    /// <summary>Applies the value of <paramref name="key"/> when present, turning a failure into one that names its path and value.</summary>
    private static LockManagerSettings Apply(
        IConfiguration section,
        string key,
        LockManagerSettings settings,
        Func<LockManagerSettings, string, LockManagerSettings> apply)
    {
        var entry = section.GetSection(key);
        if (entry.Value is not { } value)
        {
            return settings;
        }

        try
        {
            return apply(settings, value.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ConfigurationException($"{entry.Path} = \"{value}\" is not valid: {e.Message}", e);
        }
    }
}
