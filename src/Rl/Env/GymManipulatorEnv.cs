using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Env;

/// <summary>What a simulated world does at the start of an episode (new cube position for the seed); a real robot has none.</summary>
public interface IEpisodeWorld
{
    void BeginEpisode(int? seed);

    /// <summary>The world puts the arm at the reset joints and the scene back itself: no trajectory, no reset wait.</summary>
    bool PlacesArm { get; }
}

/// <summary>
/// LeRobot's RobotEnv with step_env_and_process_transition around it, driving a <see cref="ControlPipeline"/>:
/// reset moves the arm to fixed_reset_joint_positions along a 50-point line (15 ms a point), waits
/// reset_time_s, and observes; a step acts, lets one control period pass on the clock, and observes.
/// </summary>
public sealed class GymManipulatorEnv(ControlPipeline pipeline, IControlClock clock, HilSerlRobotEnvConfig config, IEpisodeWorld? world = null)
{
    public const int ResetPoints = 50;
    public static readonly TimeSpan ResetPointPeriod = TimeSpan.FromMilliseconds(15);

    public ControlPipeline Pipeline { get; } = pipeline;
    public IControlClock Clock { get; } = clock;
    public HilSerlRobotEnvConfig Config { get; } = config;
    public IEpisodeWorld? World { get; } = world;
    public TimeSpan Period => TimeSpan.FromSeconds(Config.Dt);

    /// <param name="seed">For a simulated world: where this episode's cube starts.</param>
    /// <param name="waitResetTime">Wait reset_time_s after the move (the operator resets the scene); replay and eval on a sim skip it.</param>
    public EnvObservation Reset(int? seed = null, bool waitResetTime = true)
    {
        World?.BeginEpisode(seed);
        var placed = World?.PlacesArm ?? false;
        if (!placed && Config.Processor.Reset.FixedResetJointPositions is { } target) MoveTo(target);
        if (waitResetTime && !placed)
            for (var t = TimeSpan.Zero; t < TimeSpan.FromSeconds(Config.Processor.Reset.ResetTimeS); t += Period) Clock.Tick(Period);
        return Pipeline.Reset();
    }

    public StepResult Step(float[]? action)
    {
        Pipeline.Act(action);
        Clock.Tick(Period);
        return Pipeline.Observe();
    }

    /// <summary>A straight line in joint space from where the arm is to <paramref name="target"/> (motor order), each point through the safety step.</summary>
    public void MoveTo(IReadOnlyList<double> target)
    {
        var io = Pipeline.Io;
        if (target.Count != io.MotorNames.Count)
            throw new ArgumentException($"fixed_reset_joint_positions has {target.Count} values for {io.MotorNames.Count} motors ({string.Join(", ", io.MotorNames)}).");
        var start = io.Read(false).Joints;
        Pipeline.Safety.Seed(start);
        for (var i = 1; i <= ResetPoints; i++)
        {
            var f = (double)i / ResetPoints;
            var goals = new Dictionary<string, double>(target.Count);
            for (var m = 0; m < target.Count; m++)
            {
                var key = io.MotorNames[m] + ".pos";
                goals[key] = start[key] + (target[m] - start[key]) * f;
            }
            io.WriteGoals(Pipeline.Safety.Apply(goals).Action);
            Clock.Tick(ResetPointPeriod);
        }
    }
}
