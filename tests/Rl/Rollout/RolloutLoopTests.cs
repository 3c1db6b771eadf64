using RobotActors.Rl.Env;
using RobotActors.Rl.Rollout;
using RobotActors.Rl.Tests.Sim;

namespace RobotActors.Rl.Tests.Rollout;

/// <summary>The rollout loop on the simulated workcell (lockstep): a policy's actions move the arm; ticks without one hold it at its last safe goal.</summary>
public sealed class RolloutLoopTests
{
    /// <summary>Sideways for 15 ticks, nothing for 15 (a remote policy's queue ran dry), back for 10.</summary>
    private sealed class ScriptedGaps : IRolloutPolicy
    {
        public string Name => "scripted gaps";
        public float[]? Act(long tick, EnvObservation observation, ControlPipeline pipeline) =>
            tick < 15 ? [0, 1, 0, 1] : tick < 30 ? null : [0, -1, 0, 1];
        public void Reset() { }
        public void Dispose() { }
    }

    [Fact]
    public void Ticks_without_an_action_write_no_goal_and_the_arm_settles_at_its_last_safe_goal()
    {
        using var environment = RobotEnvironment.Open(SimConfigs.PickLift(cameraSize: 16, controlTimeS: 60, task: "reach_cube"),
            new RobotEnvironmentOptions { UseTeleoperator = false, SimRealTime = false, Seed = 3 });
        var safety = environment.Pipeline.Safety;
        var goals = new List<Dictionary<string, double>>();
        var joints = new List<IReadOnlyDictionary<string, double>>();
        var report = new RolloutLoop(environment.Env, new ScriptedGaps(), environment.ActionNames).Run(new RolloutOptions(), CancellationToken.None,
            onTick: (tick, step, held) =>
            {
                goals.Add(new Dictionary<string, double>(safety.LastSafe));
                joints.Add(step.Next.Joints);
                return tick < 39;
            });

        Assert.Equal(40, report.Ticks);
        Assert.Equal(15, report.Holds);
        const string pan = "shoulder_pan.pos";
        Assert.True(Math.Abs(joints[14][pan] - joints[0][pan]) > 3, $"the arm did not go sideways: pan {joints[0][pan]:F1} → {joints[14][pan]:F1}");
        // held: the goal the servos have is the one of tick 14, every tick, and the arm comes to rest there
        for (var t = 15; t < 30; t++) Assert.Equal(goals[14], goals[t]);
        foreach (var (key, goal) in goals[14])
            Assert.True(Math.Abs(joints[29][key] - goal) < 2, $"{key} is at {joints[29][key]:F2}, not at its last safe goal {goal:F2}");
        Assert.True(Math.Abs(joints[29][pan] - joints[24][pan]) < 0.5, "the arm drifted while held");
        // acting again moves it back
        Assert.True(Math.Abs(joints[39][pan] - joints[29][pan]) > 3, $"the arm did not move after the hold: pan {joints[29][pan]:F1} → {joints[39][pan]:F1}");
    }
}
