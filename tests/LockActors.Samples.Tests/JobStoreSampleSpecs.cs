using Akka.TestKit.Xunit2;
using LockActors.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Samples.Tests;

// The JobStore sample's claims, checked on its own code: reads under a shared lock overlap,
// nobody is ever inside together with a writer, and a waiting writer is not overtaken by
// readers that come after it. Nothing here waits on a clock: the figures are counted by the
// store while it runs, and the step-by-step part waits on signals and on the manager's queue.
public sealed class JobStoreSampleSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = WARNING", output)
{
    private readonly TestOutputWriter _printed = new(output);

    private LockClient NewClient() => new(Sys.ActorOf(LockManager.Props()));

    [Fact]
    public async Task Readers_overlap_and_nobody_is_ever_inside_with_a_writer()
    {
        var report = await JobStoreDemo.RunLoadAsync(NewClient(), _printed);

        Assert.True(report.PeakReaders > 1, $"reads never overlapped: peak {report.PeakReaders}");
        Assert.Equal(0, report.ReadsDuringWrite);
        Assert.Equal(0, report.OverlappingWrites);
        Assert.Equal(report.Writes, report.FinalVersion);
        Assert.Equal(report.JobsAtEnd, report.JobsDone);
    }

    [Fact]
    public async Task No_list_misses_a_write_that_was_sent_before_it()
    {
        var report = await JobStoreDemo.RunLoadAsync(NewClient(), _printed);

        Assert.Equal(0, report.StaleReads);
        Assert.True(report.Held);
    }

    [Fact]
    public async Task A_reader_arriving_after_a_waiting_writer_queues_behind_it_though_the_key_is_held_shared()
    {
        var report = await JobStoreDemo.RunWriterFirstAsync(NewClient(), _printed);

        Assert.True(report.ReaderJoinedTheExport, "a reader did not join the export's shared lock");
        Assert.Equal([LockMode.Shared], report.Status.Holders.Select(h => h.Mode));
        Assert.Equal([LockMode.Exclusive, LockMode.Shared], report.Status.Queue.Select(w => w.Mode));
        Assert.True(report.LaterReaderSawTheWrite, "the later reader ran before the waiting writer");
    }
}
