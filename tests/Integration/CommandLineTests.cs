namespace RobotActors.Integration.Tests;

/// <summary>What a user sees from the command line when a config is wrong, and from `doctor` and `version`.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotactors-cli-").FullName;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private string Write(string name, string text)
    {
        File.WriteAllText(Path.Combine(_dir, name), text);
        return Path.Combine(_dir, name);
    }

    public static TheoryData<string, string, string> BadConfigs => new()
    {
        { "typo.conf", "robotactors.node.prot = 4060\n", "unknown setting robotactors.node.prot" },
        { "syntax.conf", "robotactors {\n  node { port = 4060 }\n", "HOCON syntax error" },
        { "", "", "config file not found" },
        { "type.conf", "robotactors.node.port = fast\n", "robotactors.node.port: expected a whole number" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task A_bad_config_gives_one_clear_message_and_exit_code_2(string name, string text, string expected)
    {
        var path = name.Length == 0 ? Path.Combine(_dir, "missing.conf") : Write(name, text);

        var run = await RobotActorsProcess.RunAsync(_dir, Timeout, "node", "--config", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.StdErr);
        Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", run.StdErr);
        Assert.Empty(run.StdOut.Trim());

        var verbose = await RobotActorsProcess.RunAsync(_dir, Timeout, "node", "--config", path, "--verbose");
        Assert.Equal(2, verbose.ExitCode);
        Assert.Contains("   at ", verbose.StdErr);
    }

    [Fact]
    public async Task Bench_sim_prints_the_workcell_figures_and_refuses_bad_options_with_exit_code_2()
    {
        var run = await RobotActorsProcess.RunAsync(_dir, TimeSpan.FromSeconds(180), "bench", "sim", "--seconds", "0.2", "--cpus", "0");
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        foreach (var figure in new[] { "steps/s holding the lifted cube", "render 128x128", "render 640x480", "control 10 Hz, 2 cameras 128x128", "x real time", "goal ≥ 20x real time" })
            Assert.Contains(figure, run.StdOut);

        var bad = await RobotActorsProcess.RunAsync(_dir, Timeout, "bench", "sim", "--fps", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--fps 0", bad.StdErr);
        Assert.DoesNotContain("   at ", bad.StdErr);
    }

    [Fact]
    public async Task Doctor_passes_on_this_machine()
    {
        var run = await RobotActorsProcess.RunAsync(_dir, Timeout, "doctor");

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var check in new[] { ".NET", "TorchSharp", "journal folder", "serial ports", "cameras" })
            Assert.Contains(lines, l => l.StartsWith("OK", StringComparison.Ordinal) && l.Contains(check, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("libtorch 2.", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_fails_the_journal_check_for_a_folder_it_cannot_write()
    {
        var blocker = Write("not-a-folder", "a file where the data folder should be");
        var conf = Write("blocked.conf", $"robotactors.data-dir = \"{blocker}/data\"\n");

        var run = await RobotActorsProcess.RunAsync(_dir, Timeout, "doctor", "--config", conf);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.StdOut.Split('\n'), l => l.StartsWith("FAIL", StringComparison.Ordinal) && l.Contains("journal folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        var run = await RobotActorsProcess.RunAsync(_dir, Timeout, "version");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^robotactors \d+\.\d+\.\d+", run.StdOut.Trim());
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
