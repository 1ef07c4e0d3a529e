using Akka.Configuration;
using LockActors.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace LockActors.Tests.Diagnostics;

// Guarantee: per-key metric tags are off unless asked for, in code, in HOCON or in appsettings; a
// value that is no switch is refused naming its path.
public sealed class MetricsSettingsSpecs
{
    [Fact]
    public void Per_key_tags_are_off_by_default_and_on_when_configured()
    {
        Assert.False(LockManagerSettings.Default.MetricsPerKeyTags);
        Assert.False(LockManagerSettings.DefaultConfig().GetConfig("lockactors.manager").GetBoolean("metrics-per-key-tags"));
        Assert.True(LockManagerSettings.Create(ConfigurationFactory.ParseString("metrics-per-key-tags = on")).MetricsPerKeyTags);

        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LockActors:MetricsPerKeyTags"] = "true" }).Build().GetSection("LockActors");
        Assert.True(LockManagerConfiguration.FromConfiguration(section).MetricsPerKeyTags);
    }

    [Fact]
    public void A_value_that_is_no_switch_is_refused_naming_its_path()
    {
        var hocon = Assert.Throws<ConfigurationException>(() => LockManagerSettings.Create(ConfigurationFactory.ParseString("metrics-per-key-tags = sometimes")));
        Assert.Contains("lockactors.manager.metrics-per-key-tags", hocon.Message);

        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LockActors:MetricsPerKeyTags"] = "sometimes" }).Build().GetSection("LockActors");
        var appSettings = Assert.Throws<ConfigurationException>(() => LockManagerConfiguration.FromConfiguration(section));
        Assert.Contains("LockActors:MetricsPerKeyTags", appSettings.Message);
    }
}
