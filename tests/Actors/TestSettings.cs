using Akka.Configuration;
using RobotActors.Actors.Configuration;

namespace RobotActors.Actors.Tests;

/// <summary>Settings for tests: the shipped defaults with overrides, journals in a temporary folder, port 0.</summary>
internal static class TestSettings
{
    public static RobotActorsSettings Create(string dataDir, string overrides = "")
    {
        var defaults = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "robotactors.conf")));
        var config = ConfigurationFactory.ParseString($$"""
            robotactors.data-dir = "{{dataDir}}"
            robotactors.node.port = 0
            robotactors.log-level = WARNING
            {{overrides}}
            """).WithFallback(defaults);
        return RobotActorsSettings.FromConfig(config);
    }
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("robotactors-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a process may still hold a file; the OS temp cleaner takes it */ }
    }
}

/// <summary>Runs only when ROBOTACTORS_TEST_POSTGRES holds a connection string (.ci/run starts a server and sets it).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "ROBOTACTORS_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            Skip = $"set {Variable} to a PostgreSQL connection string to run (scripts/postgres-for-tests.sh starts one)";
    }
}
