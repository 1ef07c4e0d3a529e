using Akka.Hosting;
using LockActors.Cluster.Hosting;
using Xunit;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>Bad options and names are refused when given, naming the value, before any actor system starts.</summary>
public sealed class ClusterOptionsSpecs
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_role_persistence_id_or_plugin_id_is_refused_with_its_value(string blank)
    {
        foreach (var set in new Func<ClusterLockManagerOptions>[]
                 {
                     () => ClusterLockManagerOptions.Default with { Role = blank },
                     () => ClusterLockManagerOptions.Default with { PersistenceId = blank },
                     () => ClusterLockManagerOptions.Default with { JournalPluginId = blank },
                     () => ClusterLockManagerOptions.Default with { SnapshotPluginId = blank },
                 })
        {
            var refused = Assert.Throws<ArgumentException>(set);
            Assert.Contains($"\"{blank}\"", refused.Message);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_snapshot_interval_below_one_is_refused_with_its_value(int every)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => ClusterLockManagerOptions.Default with { SnapshotEvery = every });
        Assert.Equal(every, refused.ActualValue);
        Assert.Equal(nameof(ClusterLockManagerOptions.SnapshotEvery), refused.ParamName);
    }

    [Fact]
    public void A_proxy_identification_interval_that_is_not_positive_is_refused()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ClusterLockManagerOptions.Default with { ProxyIdentificationInterval = TimeSpan.Zero });
        Assert.Equal(TimeSpan.Zero, refused.ActualValue);
    }

    [Fact]
    public void The_defaults_run_a_persistent_manager_on_every_member_with_the_default_plugins_and_id()
    {
        var options = ClusterLockManagerOptions.Default;
        Assert.True(options.Persistent);
        Assert.Null(options.Role);
        Assert.Null(options.JournalPluginId);
        Assert.Null(options.SnapshotPluginId);
        Assert.Equal(ClusterLockManagerOptions.DefaultSnapshotEvery, options.SnapshotEvery);
        Assert.Null(options.PersistenceId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$locks")]
    [InlineData("a/b")]
    public void An_invalid_manager_name_is_refused_with_its_value(string name)
    {
        var builder = new AkkaConfigurationBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection(), "test");
        var asManager = Assert.Throws<ArgumentException>(() => builder.WithClusterLockManager(name));
        var asProxy = Assert.Throws<ArgumentException>(() => builder.WithClusterLockManagerProxy(name));
        Assert.Equal("name", asManager.ParamName);
        Assert.Equal("name", asProxy.ParamName);
        if (name.Length > 0)
        {
            Assert.Contains(name, asManager.Message);
        }
    }

    [Fact]
    public void A_blank_proxy_role_is_refused()
    {
        var builder = new AkkaConfigurationBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection(), "test");
        var refused = Assert.Throws<ArgumentException>(() => builder.WithClusterLockManagerProxy("locks", " "));
        Assert.Contains("\" \"", refused.Message);
    }
}
