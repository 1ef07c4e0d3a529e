using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// Event replay equals the live table: random operation sequences (locks, waits, multi-key waits,
/// shared and semaphore keys, priorities, releases, give-aways, goodbyes, owner deaths, time-outs)
/// run on a table that records its events; after every step a table that applied every event so far,
/// and one restored from a snapshot taken mid-way that applied the rest, show the same state: every
/// key's holders, tokens and queue, every owner's waits in order with their deadlines, the last token,
/// and the table's invariants.
/// </summary>
public sealed class ReplayPropertySpecs
{
    [Property(MaxTest = 300)]
    public Property Replaying_the_events_rebuilds_the_live_table() =>
        Prop.ForAll(ReplayGen.Sequences, Arb.From(Gen.Choose(0, 160)), (ops, snapshotAt) =>
        {
            new ReplayRun(snapshotAt % (ops.Length + 1)).Execute(ops);
            return true;
        });

    /// <summary>Guards the generator: sequences must make every kind of event, or the property tests little.</summary>
    [Fact]
    public void The_generated_sequences_record_every_kind_of_event()
    {
        var kinds = new Dictionary<string, int>();
        foreach (var ops in Gen.Sample(ReplayGen.Sequences.Generator, 30, new Rnd(20261205), 30))
        {
            var log = new EventLog();
            var run = new ReplayRun(snapshotAt: ops.Length / 2, log);
            run.Execute(ops);
            foreach (var change in log.Events)
            {
                var kind = change is Table.Events.WaitEnded ended ? $"WaitEnded {ended.Reason}" : change.GetType().Name;
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }

        string[] expected =
        [
            "LockGranted", "LockReleased", "GrantGivenAway", "OwnerGone", "WaitQueued",
            "WaitEnded Granted", "WaitEnded TimedOut", "WaitEnded Refused", "WaitEnded Cancelled",
        ];
        foreach (var kind in expected)
        {
            Assert.True(kinds.GetValueOrDefault(kind) >= 5, $"{kind} was recorded {kinds.GetValueOrDefault(kind)} times: {string.Join(", ", kinds)}");
        }
    }
}
