using System.Diagnostics;

namespace LockActors.Diagnostics;

/// <summary>
/// The client's activity source (<see cref="LockDiagnostics.ActivitySourceName"/>): one activity
/// per lock request of a <see cref="LockClient"/>, from the request until its answer, a child of
/// the caller's <see cref="Activity.Current"/>.
/// </summary>
/// <remarks>
/// The manager does not tell a waiter its place in line, so the activity carries no queue
/// position; <see cref="LockClient.InspectAsync"/> and the overview queries show the queues.
/// </remarks>
internal static class LockTracing
{
    /// <summary>The source every client starts its activities from.</summary>
    public static readonly ActivitySource Source = new(LockDiagnostics.ActivitySourceName, typeof(LockTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the activity of <paramref name="request"/>, or returns null when nobody samples it.</summary>
    public static Activity? StartWait(ILockTermsRequest request)
    {
        var activity = Source.StartActivity(LockDiagnostics.WaitActivity, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        IReadOnlyList<object> keys = request switch
        {
            AwaitAll all => all.Keys,
            Await one => [one.Key],
            TryLock one => [one.Key],
            _ => [],
        };
        var options = request.Options;
        activity.SetTag(LockDiagnostics.KeysTag, keys.Count == 1 ? KeyText.Of(keys[0]) : KeyText.OfAll(keys));
        activity.SetTag(LockDiagnostics.KeyCountTag, keys.Count);
        activity.SetTag(LockDiagnostics.ModeTag, options.Mode == LockMode.Shared ? "shared" : "exclusive");
        activity.SetTag(LockDiagnostics.PermitsTag, options.Permits);
        activity.SetTag(LockDiagnostics.RequestTag, request is TryLock ? "try_lock" : request is AwaitAll ? "await_all" : "await");
        if (options.Label is { } label)
        {
            activity.SetTag(LockDiagnostics.LabelTag, label);
        }

        return activity;
    }

    /// <summary>Ends <paramref name="activity"/> with a grant, or with none (busy or not granted in time) when <paramref name="handle"/> is null.</summary>
    public static void Granted(Activity activity, LockHandle? handle)
    {
        if (handle is null)
        {
            activity.SetTag(LockDiagnostics.OutcomeTag, "not_granted");
        }
        else
        {
            activity.SetTag(LockDiagnostics.OutcomeTag, "granted");
            activity.SetTag(LockDiagnostics.FencingTokenTag, handle.FencingToken);
        }

        activity.Dispose();
    }

    /// <summary>Ends <paramref name="activity"/> with the failure <paramref name="e"/>.</summary>
    public static void Failed(Activity activity, Exception e)
    {
        switch (e)
        {
            case LockTimeoutException:
                activity.SetTag(LockDiagnostics.OutcomeTag, "timed_out");
                activity.SetStatus(ActivityStatusCode.Error, "timed out");
                break;
            case LockException refused:
                activity.SetTag(LockDiagnostics.OutcomeTag, "refused");
                activity.SetTag(LockDiagnostics.ReasonTag, refused.Cause.ToString());
                activity.SetStatus(ActivityStatusCode.Error, refused.Cause.ToString());
                break;
            case OperationCanceledException:
                activity.SetTag(LockDiagnostics.OutcomeTag, "cancelled");
                break;
            default:
                activity.SetTag(LockDiagnostics.OutcomeTag, "failed");
                activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                break;
        }

        activity.Dispose();
    }
}
