using System.Text;
using Xunit.Abstractions;

namespace LockActors.Samples.Tests;

/// <summary>Sends what a sample prints to the test's output, so a failing test shows the sample's story.</summary>
internal sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void WriteLine(string? value) => output.WriteLine(value ?? "");
}
