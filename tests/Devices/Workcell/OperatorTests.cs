using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Geometry;
using RobotActors.Devices.Workcell.Operators;
using Xunit.Abstractions;

namespace RobotActors.Devices.Tests.Workcell;

/// <summary>A fact run only when ROBOTACTORS_WORKCELL_EPISODES is set (the 50-episode figures for the report).</summary>
public sealed class LongRunFactAttribute : FactAttribute
{
    public LongRunFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ROBOTACTORS_WORKCELL_EPISODES") is null)
            Skip = "Set ROBOTACTORS_WORKCELL_EPISODES=50 to run the full scripted-operator and random-action figures.";
    }
}

/// <summary>The scripted operator and the random baseline, through Arm → deltas → EE mapping/IK → safety → SendAction, in lockstep.</summary>
public sealed class OperatorTests(ITestOutputHelper output)
{
    private const int Fps = 10;

    private static (int Successes, List<RolloutResult> Results) Episodes(string task, bool scripted, int episodes, int seed,
        string robot = "so101_follower", int fps = Fps, double stepSize = 0.02)
    {
        using var sim = new SimArm(new WorkcellOptions { Robot = robot, Task = task, Seed = seed });
        var options = new ScriptedOperatorOptions { Seed = seed, Fps = fps, StepSizes = [stepSize, stepSize, stepSize] };
        var rollout = new WorkcellRollout(sim.Cell, sim.Arm, sim.Kinematics, new EndEffectorBounds(options.BoundsMin, options.BoundsMax), options.StepSizes, fps);
        using IEventTeleoperator teleop = scripted ? new ScriptedOperator(sim.Cell, options) : new RandomOperator(seed);
        var steps = (int)(sim.Cell.Task.EpisodeSeconds * fps);
        var results = Enumerable.Range(0, episodes).Select(_ => rollout.RunEpisode(teleop, steps)).ToList();
        return (results.Count(r => r.Success), results);
    }

    [Theory]
    [InlineData("reach_cube", 10, 10)]
    [InlineData("push_cube", 10, 4)]
    [InlineData("pick_lift_cube", 10, 4)]
    public void The_scripted_operator_solves_each_task_and_random_actions_do_not(string task, int scriptedEpisodes, int randomEpisodes)
    {
        var (solved, results) = Episodes(task, scripted: true, scriptedEpisodes, seed: 1000);
        output.WriteLine($"{task}: scripted {solved}/{scriptedEpisodes}, steps {string.Join(",", results.Select(r => r.Steps))}");
        Assert.True(solved >= 0.9 * scriptedEpisodes, $"{task}: scripted operator solved {solved}/{scriptedEpisodes}");
        Assert.All(results, r => Assert.Equal(r.Steps, r.InterventionSteps)); // "always": it held the button every step
        var (lucky, _) = Episodes(task, scripted: false, randomEpisodes, seed: 2000);
        output.WriteLine($"{task}: random {lucky}/{randomEpisodes}");
        Assert.True(lucky <= 0.2 * randomEpisodes, $"{task}: random actions solved {lucky}/{randomEpisodes}");
    }

    [Theory]
    [InlineData("so101_follower", 30, 0.007)] // LeRobot's teleoperation rate, with step sizes scaled to it
    [InlineData("so100_follower", 10, 0.02)]
    public void Pick_and_lift_works_at_30_hz_and_on_the_so100(string robot, int fps, double stepSize)
    {
        var (solved, results) = Episodes("pick_lift_cube", scripted: true, 4, seed: 3000, robot, fps, stepSize);
        output.WriteLine($"{robot} at {fps} Hz: {solved}/4, steps {string.Join(",", results.Select(r => r.Steps))}");
        Assert.Equal(4, solved);
    }

    [LongRunFact]
    public void Full_figures_over_fifty_seeded_episodes()
    {
        var n = int.Parse(Environment.GetEnvironmentVariable("ROBOTACTORS_WORKCELL_EPISODES")!);
        foreach (var task in new[] { "reach_cube", "push_cube", "pick_lift_cube" })
        {
            var started = DateTime.UtcNow;
            var (solved, results) = Episodes(task, true, n, 5000);
            var (lucky, _) = Episodes(task, false, n, 6000);
            output.WriteLine($"{task,-15} scripted {solved}/{n} ({100.0 * solved / n:F0}%), mean steps {results.Average(r => r.Steps):F1}; " +
                $"random {lucky}/{n} ({100.0 * lucky / n:F0}%); {(DateTime.UtcNow - started).TotalSeconds:F0} s");
            Assert.True(solved >= 0.9 * n);
            Assert.True(lucky <= 0.2 * n);
        }
    }

    [Fact]
    public void It_presses_success_once_when_the_task_is_solved_and_failure_when_the_cube_leaves_the_table()
    {
        using var sim = new SimArm(new WorkcellOptions { Task = "reach_cube", Seed = 3 });
        var op = new ScriptedOperator(sim.Cell, new ScriptedOperatorOptions { Intervention = InterventionMode.Never, Noise = 0 });
        var mapper = new EndEffectorActionMapper(sim.Kinematics, new EndEffectorBounds(op.Options.BoundsMin, op.Options.BoundsMax), op.Options.StepSizes);
        var presses = new List<(int Step, TeleopEvent Event)>();
        for (var step = 0; step < 30; step++)
        {
            var observation = sim.Arm.GetObservation();
            var action = op.GetAction();
            foreach (var (e, on) in op.GetTeleopEvents()) if (on) presses.Add((step, e));
            sim.Arm.SendAction(mapper.Map(observation, action));
            sim.Cell.Advance(0.1);
        }
        Assert.Single(presses, p => p.Event == TeleopEvent.Success);
        Assert.DoesNotContain(presses, p => p.Event is TeleopEvent.IsIntervention or TeleopEvent.Failure or TeleopEvent.RerecordEpisode);
        Assert.True(sim.Cell.State().Success);

        sim.Cell.Reset();
        Assert.False(op.GetTeleopEvents()[TeleopEvent.Success]); // a new episode: nothing pressed yet
        sim.Cell.PlaceCube(new Vec3(0.70, 0.0, 0.0125)); // off the table's edge: it falls
        sim.Run(1);
        var events = op.GetTeleopEvents();
        Assert.True(events[TeleopEvent.Failure] && events[TeleopEvent.TerminateEpisode]);
        Assert.True(sim.Cell.State().CubeLost);
        Assert.False(op.GetTeleopEvents()[TeleopEvent.Failure]); // pressed once
    }

    [Fact]
    public void A_demonstration_it_cannot_finish_in_time_is_rerecorded()
    {
        using var sim = new SimArm(new WorkcellOptions { Task = "push_cube", Seed = 4 });
        var op = new ScriptedOperator(sim.Cell, new ScriptedOperatorOptions { GiveUpSeconds = 0.5, Fps = Fps });
        var rerecord = Enumerable.Range(0, 8).Select(_ =>
        {
            op.GetAction();
            sim.Cell.Advance(0.1);
            sim.Arm.GetObservation();
            return op.GetTeleopEvents()[TeleopEvent.RerecordEpisode];
        }).ToList();
        Assert.Equal(1, rerecord.Count(r => r));
        Assert.True(rerecord.IndexOf(true) >= 4, "not before its give-up time");
    }

    [Fact]
    public void Intervention_modes_hold_the_button_always_never_at_a_rate_or_when_the_policy_goes_wrong()
    {
        using var sim = new SimArm(new WorkcellOptions { Task = "pick_lift_cube", Seed = 5 });
        bool[] Held(ScriptedOperator op, int steps, Func<int, Dictionary<string, double>>? policy = null) => Enumerable.Range(0, steps).Select(i =>
        {
            if (policy is not null) op.ObservePolicyAction(policy(i));
            op.GetAction();
            return op.GetTeleopEvents()[TeleopEvent.IsIntervention];
        }).ToArray();

        Assert.All(Held(new ScriptedOperator(sim.Cell, new() { Intervention = InterventionMode.Always }), 20), Assert.True);
        Assert.All(Held(new ScriptedOperator(sim.Cell, new() { Intervention = InterventionMode.Never }), 20), Assert.False);
        var rate = Held(new ScriptedOperator(sim.Cell, new() { Intervention = InterventionMode.Rate, InterventionRate = 0.3, InterventionSeconds = 1, Seed = 1 }), 2000);
        Assert.InRange(rate.Count(h => h) / 2000.0, 0.2, 0.4);
        Assert.Contains(rate.Zip(rate.Skip(1)), p => p is (false, true)); // in bursts that start and stop
        Assert.Contains(rate.Zip(rate.Skip(1)), p => p is (true, false));

        // Automatic: a policy that keeps pushing up at the top bound makes it take over within a few steps.
        var top = new ScriptedOperatorOptions { Intervention = InterventionMode.Automatic, BoundsMax = [0.34, 0.20, sim.Cell.State().EndEffector.Z + 0.002] };
        var outward = Held(new ScriptedOperator(sim.Cell, top), 6, _ => new() { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 1 });
        Assert.Equal([false, false, true, true, true, true], outward);
        // ...and a policy that does nothing is "stuck" after StuckSeconds.
        var idle = Held(new ScriptedOperator(sim.Cell, new() { Intervention = InterventionMode.Automatic, StuckSeconds = 1, Fps = Fps }), 12,
            _ => new() { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 0 });
        Assert.False(idle[5]);
        Assert.True(idle[11]);
    }

    [Fact]
    public void In_automatic_mode_a_policy_that_brings_the_task_no_closer_is_taken_over_after_no_progress_seconds()
    {
        using var sim = new SimArm(new WorkcellOptions { Task = "push_cube", Seed = 6 });
        // Stuck and out-of-bounds are kept out of it: only the task's distance to solved can bring the operator in.
        bool[] Held(double noProgressSeconds)
        {
            var op = new ScriptedOperator(sim.Cell, new() { Intervention = InterventionMode.Automatic, StuckSeconds = 100, NoProgressSeconds = noProgressSeconds, Fps = Fps });
            return Enumerable.Range(0, 40).Select(_ =>
            {
                op.ObservePolicyAction(new Dictionary<string, double> { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 0 });
                op.GetAction();
                return op.GetTeleopEvents()[TeleopEvent.IsIntervention];
            }).ToArray();
        }

        var off = Held(0);
        Assert.All(off, Assert.False);
        var on = Held(1);
        Assert.False(on[5]);
        Assert.True(on[11], "the scene came no closer for 1 s");
    }
}
