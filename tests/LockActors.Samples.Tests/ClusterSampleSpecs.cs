using LockActors.ClusterSample;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Samples.Tests;

// The cluster sample's claims, checked on its own code: three nodes in one process, a SQLite
// journal; an owner's node crashes and a waiter on another node gets the key with a larger
// token; the manager's node crashes and a holder on another node keeps its grant and token.
public sealed class ClusterSampleSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task An_owner_crash_frees_its_key_elsewhere_and_a_manager_crash_keeps_the_holder_s_lock()
    {
        var report = await ClusterDemo.RunAsync(new TestOutputWriter(output));

        Assert.True(report.OwnerCrash.GrantedToken > report.OwnerCrash.HeldToken,
            $"waiter's token {report.OwnerCrash.GrantedToken} after the owner's {report.OwnerCrash.HeldToken}");
        Assert.Equal(report.ManagerCrash.HeldToken, report.ManagerCrash.TokenAfterFailover);
        Assert.False(report.ManagerCrash.HolderLost, "the holder was told its lock was lost");
        Assert.True(report.ManagerCrash.WaiterToken > report.ManagerCrash.HeldToken,
            $"waiter's token {report.ManagerCrash.WaiterToken} after the holder's {report.ManagerCrash.HeldToken}");
        Assert.True(report.Held);
    }
}
