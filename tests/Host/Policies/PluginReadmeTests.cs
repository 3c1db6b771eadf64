using System.Text.RegularExpressions;

namespace RobotActors.Host.Tests.Policies;

/// <summary>Issue 12.10: the plugin README gives commands that fit the repository (the CLI test runs the same build).</summary>
public class PluginReadmeTests
{
    [Fact]
    public void The_readme_builds_the_sample_project_and_copies_the_assembly_from_the_folder_it_built_into()
    {
        var root = CliProcess.RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "tests", "PolicyPlugins", "README.md"));
        var build = Regex.Match(readme, @"^dotnet build (\S+\.csproj) -c Release -o (\S+)$", RegexOptions.Multiline);
        Assert.True(build.Success, "no `dotnet build <project> -c Release -o <folder>` line");
        Assert.True(File.Exists(Path.Combine(root, build.Groups[1].Value)), $"{build.Groups[1].Value} does not exist");
        Assert.Matches(new Regex($@"^cp {Regex.Escape(build.Groups[2].Value)}/RobotActors\.Policy\.Tiny\.dll plugins/$", RegexOptions.Multiline), readme);
        Assert.Contains("dotnet run --project src/Host -- policies list --plugins plugins", readme);
        Assert.True(File.Exists(Path.Combine(root, "src", "Host", "RobotActors.Host.csproj")));
    }
}
