// Reads the nuspec inside each packed package and fails when a package depends on anything outside
// its allow-list, so a build setting that leaks the repository's own package references (test
// tools, transitive pins) into a package's dependencies fails CI.
// Usage: dotnet run .ci/PackageDependencies.cs -- <folder with the .nupkg files>
using System.IO.Compression;
using System.Xml.Linq;

// Every package and the dependencies it may declare, in every target framework group.
var allowed = new Dictionary<string, string[]>
{
    ["LockActors"] = ["Akka", "Microsoft.Extensions.ObjectPool", "Google.Protobuf"],
    ["LockActors.Hosting"] = ["LockActors", "Akka.Hosting"],
    ["LockActors.Cluster"] = ["LockActors", "LockActors.Hosting", "Akka.Cluster.Hosting", "Akka.Persistence"],
    ["LockActors.AspNetCore"] = ["LockActors", "LockActors.Hosting"],
};

if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: dotnet run .ci/PackageDependencies.cs -- <folder with the .nupkg files>");
    return 2;
}

var problems = new List<string>();
var seen = new HashSet<string>();
foreach (var path in Directory.GetFiles(args[0], "*.nupkg").Order())
{
    using var zip = ZipFile.OpenRead(path);
    var entry = zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
    using var stream = entry.Open();
    var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    var id = metadata.Elements().Single(e => e.Name.LocalName == "id").Value;
    seen.Add(id);
    if (!allowed.TryGetValue(id, out var allowList))
    {
        problems.Add($"{Path.GetFileName(path)}: package {id} has no allow-list in .ci/PackageDependencies.cs");
        continue;
    }

    var groups = metadata.Descendants().Where(e => e.Name.LocalName == "group").ToList();
    foreach (var group in groups)
    {
        var framework = group.Attribute("targetFramework")?.Value ?? "(any)";
        var dependencies = group.Elements().Where(e => e.Name.LocalName == "dependency")
            .Select(e => e.Attribute("id")!.Value).ToList();
        Console.WriteLine($"{id} {framework}: {string.Join(", ", dependencies)}");
        foreach (var dependency in dependencies.Where(d => !allowList.Contains(d, StringComparer.OrdinalIgnoreCase)))
        {
            problems.Add($"{id} ({framework}) depends on {dependency}, which is not on its allow-list ({string.Join(", ", allowList)})");
        }
    }

    if (groups.Count == 0)
    {
        problems.Add($"{id}: the nuspec has no target framework groups");
    }
}

foreach (var id in allowed.Keys.Where(id => !seen.Contains(id)))
{
    problems.Add($"package {id} was not found in {args[0]}");
}

foreach (var problem in problems)
{
    Console.Error.WriteLine(problem);
}

return problems.Count == 0 ? 0 : 1;
