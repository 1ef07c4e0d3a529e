using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// Random operation sequences run against the <see cref="LockTable"/> and against a deliberately
/// naive reference model of the contract (the README's guarantees and lock modes): per key a list of holdings (owner,
/// mode, permits, token) and a capacity, and one global list of pending waits sorted on demand by
/// priority, then arrival. After every step the contract's invariants are checked on what the table
/// shows, then the table and the model must agree on every reply, on every key's holders, queue and
/// capacity.
/// </summary>
public sealed class LockTablePropertySpecs
{
    /// <summary>Sequences per run; with at least <see cref="MinOps"/> operations each, a run executes 100,000+ operations.</summary>
    private const int Sequences = 500;

    internal const int MinOps = 200;
    internal const int MaxOps = 260;

    [Property(MaxTest = Sequences)]
    public Property The_table_behaves_like_the_reference_model_over_random_operation_sequences() =>
        Prop.ForAll(OpGen.Sequences, ops => new ModelRun().Execute(ops));

    /// <summary>
    /// The same with idle owners kept watched (at most two, so the limit is reached all the time):
    /// replies and state must not change at all; only the watches differ, within the settings' bounds.
    /// </summary>
    [Property(MaxTest = Sequences / 5)]
    public Property Keeping_idle_owners_watched_changes_nothing_but_the_watches() =>
        Prop.ForAll(OpGen.Sequences, ops => new ModelRun(maxIdleOwners: 2).Execute(ops));

    /// <summary>
    /// Guards the generator: a property over sequences that never reach shared holders, semaphores
    /// or priority overtakes would pass without testing them. A fixed seed keeps this deterministic.
    /// </summary>
    [Fact]
    public void The_generated_sequences_reach_the_states_the_property_is_about()
    {
        var coverage = new Coverage();
        foreach (var ops in Gen.Sample(OpGen.Sequences.Generator, 40, new Rnd(20240603), 50))
        {
            new ModelRun(coverage).Execute(ops);
        }

        Assert.True(coverage.Operations >= 40 * MinOps, $"only {coverage.Operations} operations ran");
        foreach (var (what, count) in coverage.Counts())
        {
            Assert.True(count >= 10, $"the generated sequences reached '{what}' only {count} times in {coverage.Operations} operations:\n{coverage}");
        }
    }
}
