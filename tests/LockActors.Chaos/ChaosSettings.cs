namespace LockActors.Chaos;

/// <summary>
/// The size and seed of a chaos run. The CI size is the default; set
/// <c>LOCKACTORS_CHAOS_OPS</c> (for instance 10000000) for a long run and
/// <c>LOCKACTORS_CHAOS_SEED</c> to replay the random choices of a printed seed (the actors'
/// interleaving is up to the scheduler, so a replay makes the same choices, not the same run).
/// </summary>
internal sealed record ChaosSettings(long Operations, int Owners, int LockKeys, int SemaphoreKeys, int ManagerRestarts, int Seed)
{
    public const long CiOperations = 250_000;

    public static ChaosSettings FromEnvironment(long ciOperations = CiOperations)
    {
        var operations = long.TryParse(Environment.GetEnvironmentVariable("LOCKACTORS_CHAOS_OPS"), out var ops) && ops > 0
            ? ops
            : ciOperations;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LOCKACTORS_CHAOS_SEED"), out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        var restarts = (int)Math.Clamp(operations / 1_000_000, 3, 20);
        return new ChaosSettings(operations, Owners: 200, LockKeys: 32, SemaphoreKeys: 6, restarts, seed);
    }

    /// <summary>How long a whole run may take before it counts as hung: generous, for a loaded 2-core machine.</summary>
    public TimeSpan Deadline => TimeSpan.FromSeconds(20 + (Operations / 2_000));

    public override string ToString() =>
        $"seed {Seed} (replay with LOCKACTORS_CHAOS_SEED={Seed}), {Operations:N0} operations, {Owners} owners, " +
        $"{LockKeys} lock keys, {SemaphoreKeys} semaphore keys, {ManagerRestarts} manager restarts";
}
