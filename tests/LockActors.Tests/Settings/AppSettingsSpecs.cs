// Guarantee: a .NET configuration section (appsettings.json and the like) overrides the settings
// it names and keeps the others, and a wrong value is refused with a message naming its path and
// the value.

using Akka.Configuration;
using LockActors.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace LockActors.Tests.Settings;

public sealed class AppSettingsSpecs
{
    [Fact]
    public void A_section_overrides_the_keys_it_sets_and_keeps_the_fallback_for_the_others()
    {
        var section = Section(new()
        {
            ["LockActors:DefaultAwaitTimeout"] = "00:00:02",
            ["LockActors:MaxIdleOwnersWatched"] = "10",
            ["LockActors:Metadata"] = "orders-db",
        });
        var fallback = LockManagerSettings.Default with { MaxKeysPerRequest = 64 };

        var settings = LockManagerConfiguration.FromConfiguration(section, fallback);

        Assert.Equal(fallback with
        {
            DefaultAwaitTimeout = TimeSpan.FromSeconds(2),
            MaxIdleOwnersWatched = 10,
            Metadata = "orders-db",
        }, settings);
    }

    [Fact]
    public void A_missing_section_keeps_the_defaults()
    {
        Assert.Equal(LockManagerSettings.Default, LockManagerConfiguration.FromConfiguration(Section([])));
    }

    [Theory]
    [InlineData("DefaultAwaitTimeout", "00:00:00")]
    [InlineData("DefaultAwaitTimeout", "five seconds")]
    [InlineData("MaxKeysPerRequest", "0")]
    [InlineData("MaxKeysPerRequest", "lots")]
    [InlineData("IdleOwnerWatchTime", "-00:00:01")]
    [InlineData("MaxIdleOwnersWatched", "-1")]
    public void A_wrong_value_is_refused_naming_its_path_and_value(string key, string value)
    {
        var section = Section(new() { [$"LockActors:{key}"] = value });

        var error = Assert.Throws<ConfigurationException>(() => LockManagerConfiguration.FromConfiguration(section));

        Assert.Contains($"LockActors:{key} = \"{value}\"", error.Message);
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("LockActors");
}
