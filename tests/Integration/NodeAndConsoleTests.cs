using System.Diagnostics;
using System.Text.Json;

namespace RobotActors.Integration.Tests;

/// <summary>A real node process and real console processes on loopback, as a user runs them.</summary>
public sealed class NodeAndConsoleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotactors-it-").FullName;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_answers_status_as_text_and_json_and_leaves_gracefully_on_sigterm()
    {
        var port = RobotActorsProcess.FreePort();
        using var node = RobotActorsProcess.Start(_dir, "node", "--config", Path.Combine(RobotActorsProcess.RepoRoot, "hocon", "single-node.conf"),
            "--set", $"robotactors.node.port={port}", "--set", "robotactors.data-dir=./node-data");
        await node.WaitForOutputAsync("is Up with roles", Generous);
        var address = $"akka.tcp://robotactors@127.0.0.1:{port}";

        var text = await RobotActorsProcess.RunAsync(_dir, Generous, "console", "--contact", $"127.0.0.1:{port}", "status");
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains(address, text.StdOut);
        Assert.Contains("roles: learner, robot", text.StdOut);
        Assert.Contains("status: Up", text.StdOut);

        var json = await RobotActorsProcess.RunAsync(_dir, Generous, "console", "--contact", $"127.0.0.1:{port}", "status", "--json");
        Assert.True(json.ExitCode == 0, json.StdErr);
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            Assert.Equal(address, doc.RootElement.GetProperty("address").GetString());
            Assert.Equal("Up", doc.RootElement.GetProperty("status").GetString());
            Assert.Equal(["learner", "robot"], doc.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
            Assert.Equal("sqlite", doc.RootElement.GetProperty("journal_backend").GetString());
        }
        Assert.True(File.Exists(Path.Combine(_dir, "node-data", "journal.db")), "the node's SQLite journal lives under data-dir");

        // The embedded default drives a simulated SO-101 through the same bus code as a real arm.
        var robots = await RobotActorsProcess.RunAsync(_dir, Generous, "console", "--contact", $"127.0.0.1:{port}", "robots", "--json");
        Assert.True(robots.ExitCode == 0, robots.StdErr);
        using (var doc = JsonDocument.Parse(robots.StdOut))
        {
            var sim = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal("sim", sim.GetProperty("robot_id").GetString());
            Assert.Equal("Ready", sim.GetProperty("state").GetString());
        }
        var positions = await RobotActorsProcess.RunAsync(_dir, Generous, "console", "--contact", $"127.0.0.1:{port}", "motors", "sim", "read", "Present_Position", "--json");
        Assert.True(positions.ExitCode == 0, positions.StdErr);
        using (var doc = JsonDocument.Parse(positions.StdOut))
            Assert.Equal(["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"],
                doc.RootElement.GetProperty("values").EnumerateObject().Select(p => p.Name).ToArray());

        var unknown = await RobotActorsProcess.RunAsync(_dir, Generous, "console", "--contact", $"127.0.0.1:{port}", "warp", "drive");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown command 'warp drive'", unknown.StdErr);

        node.Signal(RobotActorsProcess.SigTerm);
        await node.WaitForExitAsync(Generous);
        Assert.True(node.ExitCode == 0, $"exit {node.ExitCode}\nstderr:\n{node.StdErr}\nstdout tail:\n{string.Join('\n', node.StdOut.Split('\n').TakeLast(15))}");
        Assert.Contains("Ctrl+C or SIGTERM: leaving the cluster", node.StdOut);
        Assert.Contains("left the cluster and stopped", node.StdOut);
    }

    [Fact]
    public async Task The_interactive_console_builds_help_from_the_node_and_keeps_history()
    {
        var port = RobotActorsProcess.FreePort();
        using var node = RobotActorsProcess.Start(_dir, "node", "--set", $"robotactors.node.port={port}", "--set", "robotactors.data-dir=./repl-data");
        await node.WaitForOutputAsync("is Up with roles", Generous);

        using var console = RobotActorsProcess.Start(_dir, "console", "--contact", $"127.0.0.1:{port}");
        foreach (var line in new[] { "help", "nodes", "history", "exit" })
            await console.WriteLineAsync(line);
        await console.WaitForExitAsync(Generous);

        Assert.Equal(0, console.ExitCode);
        Assert.Contains("Commands served by", console.StdOut);
        Assert.Contains("status", console.StdOut);
        Assert.Contains("1 node(s)", console.StdOut);
        Assert.Contains("2  nodes", console.StdOut);
        Assert.Contains("nodes", File.ReadAllText(Path.Combine(_dir, ".robotactors_history")));
    }

    [Fact]
    public async Task With_no_node_running_the_console_fails_clearly_within_ten_seconds()
    {
        var port = RobotActorsProcess.FreePort();
        var clock = Stopwatch.StartNew();
        var console = await RobotActorsProcess.RunAsync(_dir, TimeSpan.FromSeconds(30), "console", "--contact", $"127.0.0.1:{port}", "status");
        clock.Stop();

        Assert.NotEqual(0, console.ExitCode);
        Assert.Contains($"no RobotActors node answered at 127.0.0.1:{port}", console.StdErr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
