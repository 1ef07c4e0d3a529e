using Xunit;

namespace LockActors.Samples.Tests;

// The README's Getting started is the GettingStarted sample's Program.cs, which the solution builds
// and GettingStartedSpecs runs: this keeps the copy in the README equal to it.
public sealed class ReadmeSyncSpecs
{
    [Fact]
    public void The_readme_shows_the_getting_started_program_exactly()
    {
        var root = RepositoryRoot();
        var program = File.ReadAllText(Path.Combine(root, "samples", "LockActors.GettingStarted", "Program.cs")).ReplaceLineEndings("\n").TrimEnd();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + program + "\n```", readme);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LockActors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LockActors.sln above {AppContext.BaseDirectory}.");
    }
}
