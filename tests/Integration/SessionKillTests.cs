using System.Text.Json;

namespace RobotActors.Integration.Tests;

/// <summary>
/// The embedded default's HIL-SERL session survives `kill -9` of its node mid-episode: on restart every step the
/// session had acknowledged to the control loop is in the journal, the interrupted episode is ended as truncated, the
/// session goes on with the next episode, and the learner goes on from its checkpoint.
/// </summary>
public sealed class SessionKillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotactors-kill-").FullName;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private RobotActorsProcess StartNode(int port) => RobotActorsProcess.Start(_dir, "node",
        "--config", Path.Combine(RobotActorsProcess.RepoRoot, "hocon", "single-node.conf"),
        "--set", $"robotactors.node.port={port}", "--set", "robotactors.data-dir=./node-data",
        "--set", $"robotactors.hilserl.config-path=\"{Path.Combine(RobotActorsProcess.RepoRoot, "examples", "hilserl", "train_config_hilserl_so101_sim_push_state.json")}\"",
        "--set", "robotactors.hilserl.overrides=[\"--save_freq=20\", \"--batch_size=16\", \"--policy.online_step_before_learning=30\"]",
        "--set", "robotactors.control.sim-clock=lockstep");

    private async Task<JsonElement> ConsoleJsonAsync(int port, params string[] command)
    {
        var run = await RobotActorsProcess.RunAsync(_dir, Generous, ["console", "--contact", $"127.0.0.1:{port}", .. command, "--json"]);
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        return JsonDocument.Parse(run.StdOut).RootElement;
    }

    [Fact]
    public async Task A_node_killed_mid_episode_loses_no_acknowledged_step_and_its_session_and_learner_go_on()
    {
        var port = RobotActorsProcess.FreePort();
        long acknowledged, checkpointStep, transitionsBefore, versionBefore;
        int lastEpisode;
        using (var node = StartNode(port))
        {
            await node.WaitForOutputAsync("is Up with roles", Generous);
            await node.WaitForOutputAsync("robot sim: episode 3 ", Generous);
            // The learner has checkpointed at least once before the kill.
            var learner = await EventuallyAsync(() => ConsoleJsonAsync(port, "learner", "status"), l => l.GetProperty("last_checkpoint").GetString() is { Length: > 0 });
            checkpointStep = CheckpointStep(learner.GetProperty("last_checkpoint").GetString()!);
            transitionsBefore = learner.GetProperty("online_buffer_size").GetInt64();
            versionBefore = learner.GetProperty("weights_version").GetInt64();
            Assert.True(transitionsBefore > 0, learner.ToString());
            var status = (await ConsoleJsonAsync(port, "session", "status", "sim"))[0];
            acknowledged = status.GetProperty("control").GetProperty("acknowledged_steps").GetInt64();
            lastEpisode = status.GetProperty("control").GetProperty("episode").GetInt32();
            Assert.True(acknowledged > 0);
            node.Signal(9);
            await node.WaitForExitAsync(Generous);
        }

        using (var node = StartNode(port))
        {
            await node.WaitForOutputAsync("was running; it continues", Generous);
            await node.WaitForOutputAsync($"robot sim: episode {lastEpisode + 2} ", Generous);
            var history = (await ConsoleJsonAsync(port, "sessions", "sim"))[0].GetProperty("sessions");
            Assert.Equal(1, history.GetArrayLength()); // the same session, resumed
            var session = history[0];
            Assert.True(session.GetProperty("resumes").GetInt32() >= 1);
            var episodes = session.GetProperty("episodes").EnumerateArray().ToList();
            var journaled = episodes.Where(e => e.GetProperty("episode").GetInt32() <= lastEpisode).Sum(e => (long)e.GetProperty("length").GetInt32());
            Assert.True(journaled >= acknowledged, $"{journaled} steps journaled up to episode {lastEpisode}, {acknowledged} were acknowledged before the kill");
            Assert.Contains(episodes, e => e.GetProperty("outcome").GetString() == "Interrupted" && e.GetProperty("episode").GetInt32() >= lastEpisode);
            // The learner resumed from its checkpoint (not from scratch), with its buffer rebuilt from the journal: at
            // least every transition it held before the kill (capacity 50000 is far off), and newer weights versions.
            await node.WaitForOutputAsync("learner: resumed from", Generous);
            var resumed = System.Text.RegularExpressions.Regex.Match(node.StdOut,
                @"learner: resumed from (\S+) at optimization step (\d+), weights version (\d+), (\d+) online");
            Assert.True(resumed.Success, node.StdOut);
            Assert.True(long.Parse(resumed.Groups[2].Value) >= checkpointStep, $"resumed at step {resumed.Groups[2].Value}, the checkpoint before the kill was step {checkpointStep}");
            Assert.True(CheckpointStep(resumed.Groups[1].Value) >= checkpointStep);
            Assert.True(long.Parse(resumed.Groups[3].Value) >= versionBefore, $"weights version {resumed.Groups[3].Value} after, {versionBefore} before");
            Assert.True(long.Parse(resumed.Groups[4].Value) >= transitionsBefore, $"{resumed.Groups[4].Value} online transitions rebuilt, {transitionsBefore} before the kill");
            var learner = await EventuallyAsync(() => ConsoleJsonAsync(port, "learner", "status"), l => l.GetProperty("weights_version").GetInt64() > versionBefore);
            Assert.True(learner.GetProperty("optimization_step").GetInt64() >= checkpointStep, learner.ToString());
        }
    }

    /// <summary>The step a checkpoint folder is named for (…/checkpoints/000040).</summary>
    private static long CheckpointStep(string path) =>
        long.Parse(System.Text.RegularExpressions.Regex.Match(path.Replace('\\', '/'), @"checkpoints/(\d+)").Groups[1].Value);

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> probe, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Generous;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await probe();
            if (done(last)) return last;
            await Task.Delay(500);
        }
        throw new TimeoutException($"never reached: {last}");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
