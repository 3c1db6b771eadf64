using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Tests.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Policies.Training;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Learner;

/// <summary>
/// A node training on a robot's steps is killed with SIGKILL: restarted on the same data, the learner continues
/// from its last checkpoint (optimization step), hands out a newer weights version than any it had pushed, and
/// its rebuilt online buffer holds the newest transitions from the inbox's journal, up to its capacity.
/// </summary>
public sealed class LearnerKillTests : IDisposable
{
    private readonly TempDir _dir = new();
    private const int Capacity = 150;

    private static string HelperDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "LearnerProcess", "bin", configuration, "net10.0",
            "RobotActors.Actors.LearnerProcess.dll"));
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"learner helper not built at {dll}");
    }

    [Fact]
    public async Task After_kill_9_the_learner_resumes_its_checkpoint_with_newer_weights_versions_and_a_buffer_rebuilt_up_to_capacity()
    {
        var data = Path.Combine(_dir.Path, "data");
        var config = LearnerConfigs.Write(_dir.Path, saveFreq: 10, onlineCapacity: Capacity);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(HelperDll());
        psi.ArgumentList.Add(data);
        psi.ArgumentList.Add(config);
        var lines = new BlockingCollection<string>();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Add("ERR " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Until it has trained past a few checkpoints and received more transitions than the buffer holds.
        long step = 0, version = 0, received = 0;
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        while (step < 35 || received < Capacity + 50)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the learner only reached step {step}, {received} transitions; {string.Join(" | ", errors.TakeLast(5))}");
            if (!lines.TryTake(out var line, 200)) { Assert.False(process.HasExited, $"the node exited: {string.Join(" | ", errors.TakeLast(5))}"); continue; }
            if (line.StartsWith("ERR ", StringComparison.Ordinal)) errors.Add(line);
            var parts = line.Split(' ');
            if (parts[0] != "learner") continue;
            (step, version, received) = (long.Parse(parts[1]), long.Parse(parts[2]), long.Parse(parts[3]));
        }
        process.Kill(); // SIGKILL: no leaving the cluster, no last checkpoint
        await process.WaitForExitAsync();
        var checkpointStep = Checkpoints.ReadStep(Checkpoints.Last(Path.Combine(data, "learner"))!);
        Assert.True(checkpointStep >= 30 && checkpointStep % 10 == 0, $"last checkpoint at step {checkpointStep}");

        // Restarted with learning held back (it would start at 100000 transitions): what it runs is what it restored.
        await using var node = await StartAsync(data, "learner", extra:
            $"robotactors.hilserl.config-path = \"{config.Replace("\\", "/")}\"\nrobotactors.hilserl.overrides = [\"--policy.online_step_before_learning=100000\"]");
        var status = await EventuallyAsync(() => LearnerSingleton.Proxy(node.System).Ask<LearnerStatus>(GetLearnerStatus.Instance, TimeSpan.FromSeconds(10)),
            s => s.Phase is "waiting" or "failed" or "idle", TimeSpan.FromSeconds(60), s => s.Phase);
        Assert.Equal("", status.Problem);
        Assert.Equal(checkpointStep, status.OptimizationStep);
        Assert.True(status.WeightsVersion > version, $"version {status.WeightsVersion} after the restart, {version} before");

        // Every step the inbox journaled, paired as the learner pairs them: 10-step episodes whose last step is done.
        var journaled = (await JournalEvents.ReadAsync(node.System, TransitionInbox.DefaultPersistenceId)).OfType<TransitionsReceived>().Sum(r => r.Steps.Count);
        var transitions = journaled - journaled % 10 + Math.Max(0, journaled % 10 - 1); // an unfinished episode's last step waits for its successor
        Assert.True(transitions >= received, $"{transitions} transitions journaled, {received} received before the kill");
        Assert.Equal(transitions, status.InteractionStep);
        Assert.Equal(Math.Min(transitions, Capacity), status.OnlineBufferSize);
        Assert.Equal(Capacity, status.OnlineBufferSize);
    }

    public void Dispose() => _dir.Dispose();
}
