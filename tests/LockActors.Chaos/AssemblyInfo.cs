using Xunit;

// Each chaos run loads both cores on its own; runs side by side would measure each other's load
// (waits timing out late) rather than the manager.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
