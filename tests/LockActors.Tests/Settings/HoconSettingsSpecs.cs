// Guarantee: the settings of a manager come from the embedded reference.conf, which holds exactly
// the defaults of LockManagerSettings; an application's HOCON overrides any of them, and a wrong
// value is refused with a message naming its path and the value.

using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace LockActors.Tests.Settings;

public sealed class HoconSettingsSpecs
{
    [Fact]
    public void Reference_conf_holds_the_defaults_of_LockManagerSettings()
    {
        Assert.Equal(LockManagerSettings.Default, LockManagerSettings.Create(Config.Empty));

        var reference = LockManagerSettings.DefaultConfig().GetConfig("lockactors.manager");
        Assert.Equal(LockManagerSettings.Default.DefaultAwaitTimeout, reference.GetTimeSpan("default-await-timeout"));
        Assert.Equal(LockManagerSettings.Default.MaxKeysPerRequest, reference.GetInt("max-keys-per-request"));
        Assert.Equal(LockManagerSettings.Default.IdleOwnerWatchTime, reference.GetTimeSpan("idle-owner-watch-time"));
        Assert.Equal(LockManagerSettings.Default.MaxIdleOwnersWatched, reference.GetInt("max-idle-owners-watched"));
        Assert.False(reference.HasPath("metadata"));
    }

    [Fact]
    public void A_section_overrides_the_keys_it_sets_and_keeps_the_defaults_of_the_others()
    {
        var settings = LockManagerSettings.Create(ConfigurationFactory.ParseString("""
            default-await-timeout = 300ms
            max-keys-per-request = 64
            metadata = "orders-db"
            """));

        Assert.Equal(LockManagerSettings.Default with
        {
            DefaultAwaitTimeout = TimeSpan.FromMilliseconds(300),
            MaxKeysPerRequest = 64,
            Metadata = "orders-db",
        }, settings);
    }

    [Fact]
    public void Infinite_is_a_valid_default_await_timeout()
    {
        var settings = LockManagerSettings.Create(ConfigurationFactory.ParseString("default-await-timeout = infinite"));

        Assert.Equal(Timeout.InfiniteTimeSpan, settings.DefaultAwaitTimeout);
    }

    [Fact]
    public void An_actor_system_config_is_read_at_lockactors_manager()
    {
        using var system = ActorSystem.Create("hocon-settings", ConfigurationFactory.ParseString("""
            lockactors.manager.idle-owner-watch-time = 250ms
            lockactors.manager.max-idle-owners-watched = 7
            """));

        var settings = LockManagerSettings.Create(system);

        Assert.Equal(LockManagerSettings.Default with { IdleOwnerWatchTime = TimeSpan.FromMilliseconds(250), MaxIdleOwnersWatched = 7 }, settings);
    }

    [Theory]
    [InlineData("default-await-timeout = 0s", "lockactors.manager.default-await-timeout", "0s")]
    [InlineData("default-await-timeout = soon", "lockactors.manager.default-await-timeout", "soon")]
    [InlineData("max-keys-per-request = 0", "lockactors.manager.max-keys-per-request", "0")]
    [InlineData("max-keys-per-request = many", "lockactors.manager.max-keys-per-request", "many")]
    [InlineData("idle-owner-watch-time = 2d", "lockactors.manager.idle-owner-watch-time", "2d")]
    [InlineData("max-idle-owners-watched = -1", "lockactors.manager.max-idle-owners-watched", "-1")]
    public void A_wrong_value_is_refused_naming_its_path_and_value(string hocon, string path, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => LockManagerSettings.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.Contains(path, error.Message);
        Assert.Contains($"\"{value}\"", error.Message);
    }

    [Fact]
    public void A_wrong_value_in_an_actor_system_config_is_refused_naming_its_path()
    {
        using var system = ActorSystem.Create("hocon-wrong", ConfigurationFactory.ParseString("lockactors.manager.max-keys-per-request = -5"));

        var error = Assert.Throws<ConfigurationException>(() => LockManagerSettings.Create(system));

        Assert.Contains("lockactors.manager.max-keys-per-request = \"-5\"", error.Message);
    }
}
