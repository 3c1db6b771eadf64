namespace RobotActors.Rl.Tests;

/// <summary>Files of the repository the tests read (examples, models).</summary>
public static class Repository
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "RobotActors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RobotActors.sln not found above the test folder");
    }

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root(), .. parts]);
}
