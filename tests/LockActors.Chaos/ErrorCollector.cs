using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace LockActors.Chaos;

/// <summary>
/// Collects the actor system's error log events that chaos does not explain: a manager restart
/// and owners killed or crashing on purpose are expected; any other error (the manager failing
/// on a request, for instance) is kept.
/// </summary>
internal sealed class ErrorCollector : UntypedActor
{
    private readonly ConcurrentQueue<string> _errors;

    public ErrorCollector(ConcurrentQueue<string> errors) => _errors = errors;

    protected override void OnReceive(object message)
    {
        if (message is not Error error || error.Cause is ActorKilledException or ChaosCrash
            || error.Message?.ToString()?.StartsWith("LockManager is restarting", StringComparison.Ordinal) == true)
        {
            return;
        }

        if (_errors.Count < 20)
        {
            _errors.Enqueue($"{error.LogSource}: {error.Message} {error.Cause}");
        }
    }
}

/// <summary>Starts an <see cref="ErrorCollector"/> on an actor system.</summary>
internal static class ErrorCollection
{
    public static ConcurrentQueue<string> Start(ActorSystem system)
    {
        var errors = new ConcurrentQueue<string>();
        var collector = system.ActorOf(Props.Create(() => new ErrorCollector(errors)));
        system.EventStream.Subscribe(collector, typeof(Error));
        return errors;
    }
}
