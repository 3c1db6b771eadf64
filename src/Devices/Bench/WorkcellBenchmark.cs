using System.Diagnostics;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Devices.Workcell.Rendering;

namespace RobotActors.Devices.Bench;

/// <summary>Figures of a run of control steps: steps per second, step time percentiles and the real-time factor.</summary>
public sealed record ControlStepFigures(int Steps, double Seconds, double P50Ms, double P99Ms, double RealTimeFactor, int Episodes, int Successes);

/// <summary>
/// The simulated workcell, measured in lockstep: physics steps per second, rendered frames per second,
/// and full control steps (bus SyncRead + SyncWrite over the pseudo-terminal, the physics for one
/// control period, every camera rendered, the scripted operator's deltas through IK) against real time.
/// </summary>
public static class WorkcellBenchmark
{
    /// <summary>Physics steps per second while the scripted operator holds a lifted cube (contacts, grasp and gravity all active).</summary>
    public static (double Idle, double Holding) PhysicsStepsPerSecond(Workcell.Workcell workcell, Arm arm, RobotKinematics kinematics, TimeSpan duration)
    {
        workcell.Reset();
        var idle = TimePhysics(workcell, duration);
        // Pick the cube up through the real stack, then time the physics with it held.
        var options = new ScriptedOperatorOptions();
        var rollout = new WorkcellRollout(workcell, arm, kinematics, new EndEffectorBounds(options.BoundsMin, options.BoundsMax), options.StepSizes, 10);
        for (var attempt = 0; attempt < 5 && !workcell.State().CubeHeld; attempt++)
            rollout.RunEpisode(new ScriptedOperator(workcell, options), 200);
        if (!workcell.State().CubeHeld) throw new InvalidOperationException("bench sim: the scripted operator did not pick the cube up; the physics figures would not be comparable.");
        return (idle, TimePhysics(workcell, duration));
    }

    private static double TimePhysics(Workcell.Workcell workcell, TimeSpan duration)
    {
        var dt = workcell.World.Settings.TimeStep;
        for (var i = 0; i < 3; i++) { workcell.Advance(0.5); workcell.Synchronize(); } // warm-up (JIT)
        var steps = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            workcell.Advance(100 * dt);
            workcell.Synchronize();
            steps += 100;
        }
        return steps / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Frames per second rendering every camera in turn (each frame counts once).</summary>
    public static double FramesPerSecond(IReadOnlyList<WorkcellCamera> cameras, TimeSpan duration)
    {
        for (var i = 0; i < 20; i++) foreach (var c in cameras) c.Render();
        var frames = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
            foreach (var c in cameras) { c.Render(); frames++; }
        return frames / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Control steps at <paramref name="fps"/> in lockstep, as fast as they run: observation over the bus,
    /// every camera, the scripted operator's deltas → EE mapping/IK → SendAction, Advance(1/fps). Episodes
    /// of pick_lift_cube restart when solved.
    /// </summary>
    public static ControlStepFigures ControlSteps(Workcell.Workcell workcell, Arm arm, RobotKinematics kinematics,
        IReadOnlyList<WorkcellCamera> cameras, int fps, TimeSpan duration)
    {
        var options = new ScriptedOperatorOptions { Fps = fps };
        var bounds = new EndEffectorBounds(options.BoundsMin, options.BoundsMax);
        using var op = new ScriptedOperator(workcell, options);
        var times = new List<double>();
        var episodes = 0;
        var successes = 0;
        EndEffectorActionMapper? mapper = null;
        var steps = 0;
        var inEpisode = 0;
        var episodeSteps = (int)(workcell.Task.EpisodeSeconds * fps);
        var clock = Stopwatch.StartNew();
        const int warmup = 30;
        while (clock.Elapsed < duration || steps < warmup + 10)
        {
            var start = clock.Elapsed;
            var observation = arm.GetObservation();
            foreach (var c in cameras) c.Render();
            var state = workcell.State();
            if (mapper is null || state.Success || inEpisode >= episodeSteps)
            {
                if (mapper is not null)
                {
                    episodes++;
                    if (state.Success) successes++;
                }
                workcell.Reset();
                observation = arm.GetObservation();
                mapper = new EndEffectorActionMapper(kinematics, bounds, options.StepSizes);
                inEpisode = 0;
            }
            arm.SendAction(mapper.Map(observation, op.GetAction()));
            workcell.Advance(1.0 / fps);
            steps++;
            inEpisode++;
            if (steps == warmup) { times.Clear(); clock.Restart(); episodes = successes = 0; }
            else times.Add((clock.Elapsed - start).TotalMilliseconds);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        times.Sort();
        var measured = times.Count;
        double Pct(double p) => times[Math.Min(measured - 1, (int)(p * measured))];
        var perStep = seconds / measured;
        return new ControlStepFigures(measured, seconds, Pct(0.5), Pct(0.99), 1.0 / fps / perStep, episodes, successes);
    }
}
