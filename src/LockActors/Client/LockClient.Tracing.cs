using LockActors.Client;
using LockActors.Diagnostics;

namespace LockActors;

// A lock request as an activity of the LockActors source, when someone listens to it.
public sealed partial class LockClient
{
    /// <summary>
    /// <see cref="Acquire"/> inside an activity (see <see cref="LockTracing"/>). An async method of
    /// its own, so the activity is current only here and never leaks into the caller's flow.
    /// </summary>
    private async Task<LockHandle?> AcquireTracedAsync(ILockTermsRequest request, RequestKind kind, CancellationToken cancellationToken)
    {
        var activity = LockTracing.StartWait(request);
        if (activity is null)
        {
            return await NewOwner().AcquireAsync(request, kind, cancellationToken).ConfigureAwait(false);
        }

        LockHandle? handle;
        try
        {
            handle = await NewOwner().AcquireAsync(request, kind, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LockTracing.Failed(activity, e);
            throw;
        }

        LockTracing.Granted(activity, handle);
        return handle;
    }
}
