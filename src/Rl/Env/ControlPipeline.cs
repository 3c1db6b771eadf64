using RobotActors.Datasets.Images;
using RobotActors.Devices.Safety;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env.Io;
using RobotActors.Rl.Env.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Env;

/// <summary>
/// One control step, shared by the command line and the actors: observation → env processor → (policy) →
/// action processor → safety → bus goal, as LeRobot's step_env_and_process_transition with its later fixes.
/// It owns no device and never waits: <see cref="IRobotIo"/> gives it the latest reading and takes its goals,
/// and whoever drives it decides what happens between <see cref="Act"/> (goals written) and
/// <see cref="Observe"/> (the world has moved on by a tick: real time passed, or the simulator stepped).
/// <code>
/// var obs = pipeline.Reset();
/// while (...) { var batch = pipeline.PolicyBatch(obs); var a = policy(batch);   // or null: neutral / teleoperated
///               pipeline.Act(a); wait one tick; var step = pipeline.Observe(); obs = step.Next; }
/// </code>
/// Tensors live only inside a call; what comes out is plain data (<see cref="EnvObservation"/>, <see cref="StepResult"/>).
/// </summary>
public sealed class ControlPipeline
{
    private readonly int _boundary;
    private readonly bool _readCurrents;
    private RobotReading? _reading;
    private EnvObservation? _observation;
    private double[]? _ikSolution;
    private Pending? _pending;

    private sealed record Pending(float[] Action, double Reward, bool Done, bool Truncated, Dictionary<string, object?> Info, Dictionary<string, object?> ComplementaryData);

    public ControlPipeline(IRobotIo io, ProcessorPipeline envProcessor, ProcessorPipeline actionProcessor, SafetyStep safety, bool useEnvReward = false)
    {
        Io = io;
        EnvProcessor = envProcessor;
        ActionProcessor = actionProcessor;
        Safety = safety;
        UseEnvReward = useEnvReward;
        var boundary = envProcessor.Steps.FindIndex(s => s is AddBatchDimensionProcessorStep);
        _boundary = boundary < 0 ? envProcessor.Steps.Count : boundary;
        _readCurrents = envProcessor.Steps.Any(s => s is MotorCurrentProcessorStep);
    }

    public IRobotIo Io { get; }
    public ProcessorPipeline EnvProcessor { get; }
    public ProcessorPipeline ActionProcessor { get; }
    public SafetyStep Safety { get; }
    /// <summary>Add a simulated task's ground-truth reward and success (env.step's reward and termination); off for real robots.</summary>
    public bool UseEnvReward { get; }
    public EnvObservation? Observation => _observation;
    public RobotReading? LastReading => _reading;
    public EEBoundsAndSafety? EndEffectorSafety => ActionProcessor.Steps.OfType<EEBoundsAndSafety>().FirstOrDefault();

    /// <summary>Starts an episode: resets every step, seeds the safety step at the present joints, and processes the first observation.</summary>
    public EnvObservation Reset()
    {
        EnvProcessor.Reset();
        ActionProcessor.Reset();
        _ikSolution = null;
        _pending = null;
        var reading = Io.Read(_readCurrents);
        Safety.Seed(reading.Joints);
        using var scope = torch.NewDisposeScope();
        var processed = RunEnvSteps(RawTransition(reading));
        _reading = reading;
        _observation = Extract(processed, reading);
        return _observation;
    }

    /// <summary>
    /// The policy's input for an observation: the env processor's boundary steps (batch dimension, device) turn
    /// the uint8 frames into float (1, C, H, W) in [0, 1] and the state into (1, n). The caller owns the tensors.
    /// </summary>
    public Dictionary<string, Tensor> PolicyBatch(EnvObservation observation)
    {
        var t = new EnvTransition { Observation = ToTensors(observation) };
        for (var i = _boundary; i < EnvProcessor.Steps.Count; i++) t = EnvProcessor.Steps[i].Process(t);
        return t.Observation;
    }

    /// <summary>
    /// Chooses and sends the goals of this tick from the policy's action (null when a person drives the robot:
    /// the neutral action, replaced by the teleoperator's while it intervenes). Non-finite values, targets out of
    /// bounds and jumps are clamped and counted by the bounds and safety steps; nothing unchecked is written.
    /// </summary>
    public ActOutcome Act(float[]? policyAction)
    {
        var reading = _reading ?? throw new InvalidOperationException("Reset the control pipeline before acting.");
        using var scope = torch.NewDisposeScope();
        var t = new EnvTransition { Action = policyAction is null ? null : torch.tensor(policyAction) };
        t.ComplementaryData[HilKeys.RawJointPositions] = reading.Joints;
        if (_ikSolution is not null) t.ComplementaryData[HilKeys.IkSolution] = _ikSolution;
        t = ActionProcessor.Process(t);
        var goals = t.RobotAction ?? throw new InvalidOperationException(
            $"the action processor ({string.Join(", ", ActionProcessor.Steps.Select(ProcessorStepRegistry.NameOf))}) made no joint goals; it must end in inverse kinematics or policy_action_to_robot_action_processor.");
        var safe = Safety.Apply(goals);
        if (safe.Action.Count > 0) Io.WriteGoals(safe.Action);
        _ikSolution = t.ComplementaryData.GetValueOrDefault(HilKeys.IkSolution) as double[];
        var executed = t.ComplementaryData.GetValueOrDefault(HilKeys.TeleopAction) as float[] ?? t.ActionValues();
        var complementary = t.ComplementaryData.Where(kv => kv.Value is not Tensor && kv.Key is not (HilKeys.RawJointPositions or HilKeys.RawMotorCurrents))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        complementary[HilKeys.TeleopAction] = executed;
        _pending = new Pending(executed, t.RewardValue(), t.IsDone(), t.IsTruncated(), new Dictionary<string, object?>(t.Info), complementary);
        return new ActOutcome(executed, safe.Action, Events(t.Info, t.IsDone()));
    }

    /// <summary>
    /// A tick with no action to execute (a remote policy's queue ran dry): nothing is written, so the servos keep
    /// their last safe goal; the next <see cref="Observe"/> pairs the tick with <paramref name="recordedAction"/>
    /// (the caller's stand-in, e.g. the last executed action) and no processor step runs on it.
    /// </summary>
    public void Hold(float[] recordedAction)
    {
        if (_reading is null) throw new InvalidOperationException("Reset the control pipeline before holding.");
        _pending = new Pending(recordedAction, 0, false, false, new Dictionary<string, object?>(), new Dictionary<string, object?>());
    }

    /// <summary>
    /// Reads the robot after the tick and processes the next observation: reward = the larger of the env reward (simulated tasks,
    /// when used) and the action processor's; done and truncated likewise, then the env processor's time limit,
    /// gripper penalty and reward classifier. The info merge keeps the teleoperator's events over the env's
    /// (LeRobot #3227), and the step pairs the action with the observation it was chosen from.
    /// </summary>
    public StepResult Observe()
    {
        var pending = _pending ?? throw new InvalidOperationException("Act before observing: a step is an action and its outcome.");
        var previous = _observation!;
        var reading = Io.Read(_readCurrents);
        using var scope = torch.NewDisposeScope();
        var t = RawTransition(reading);
        t.Action = torch.tensor(pending.Action);
        var task = UseEnvReward ? reading.Task : null;
        // The larger, not the sum: on the sim the task's own success and the operator's success button can land on the
        // same step, and a sparse reward counted twice made an episode return 2.
        t.SetReward(Math.Max(task?.Reward ?? 0, pending.Reward));
        t.SetDone((task?.Success ?? false) || pending.Done);
        t.SetTruncated(pending.Truncated);
        // RobotEnv.step reports no intervention; the processor's teleop events must win over it.
        var envInfo = new Dictionary<string, object?> { [HilKeys.IsIntervention] = false };
        foreach (var (k, v) in pending.Info) t.Info[k] = v;
        foreach (var (k, v) in envInfo)
            if (!HilKeys.TeleopEventKeys.Contains(k) || !t.Info.ContainsKey(k)) t.Info[k] = v;
        foreach (var (k, v) in pending.ComplementaryData) t.ComplementaryData[k] = v;
        t = RunEnvSteps(t);
        var next = Extract(t, reading);
        _reading = reading;
        _observation = next;
        _pending = null;
        var done = t.IsDone();
        var penalty = t.ComplementaryData.GetValueOrDefault(HilKeys.DiscretePenalty) is double p ? p : 0;
        return new StepResult(previous, pending.Action, t.RewardValue(), done, t.IsTruncated(), next, Events(t.Info, done),
            penalty, new Dictionary<string, object?>(t.Info), reading.Task);
    }

    private static EpisodeEvents Events(Dictionary<string, object?> info, bool done)
    {
        bool F(string k) => info.TryGetValue(k, out var v) && v is true;
        return new EpisodeEvents(F(HilKeys.IsIntervention), F(HilKeys.Success), F(HilKeys.Failure), F(HilKeys.RerecordEpisode),
            F(HilKeys.TerminateEpisode) || done);
    }

    private EnvTransition RunEnvSteps(EnvTransition t)
    {
        for (var i = 0; i < _boundary; i++) t = EnvProcessor.Steps[i].Process(t);
        return t;
    }

    /// <summary>LeRobot's RobotEnv observation: agent_pos (joints in motor order) and pixels.&lt;camera&gt; (uint8 HWC).</summary>
    private EnvTransition RawTransition(RobotReading reading)
    {
        var t = new EnvTransition();
        var q = new float[Io.MotorNames.Count];
        for (var i = 0; i < q.Length; i++)
            q[i] = reading.Joints.TryGetValue(Io.MotorNames[i] + ".pos", out var v) ? (float)v
                : throw new InvalidOperationException($"the robot reading has no '{Io.MotorNames[i]}.pos' (it has {string.Join(", ", reading.Joints.Keys)}).");
        t.Observation[HilKeys.AgentPos] = torch.tensor(q);
        foreach (var (name, frame) in reading.Frames)
            t.Observation[$"{HilKeys.Pixels}.{name}"] = torch.tensor(frame.Data, [frame.Height, frame.Width, frame.Channels]);
        if (reading.EnvironmentState is { } environment) t.Observation[HilKeys.EnvironmentState] = torch.tensor(environment);
        t.ComplementaryData[HilKeys.RawJointPositions] = reading.Joints;
        if (reading.Currents is not null) t.ComplementaryData[HilKeys.RawMotorCurrents] = reading.Currents;
        return t;
    }

    private static EnvObservation Extract(EnvTransition t, RobotReading reading)
    {
        var images = new Dictionary<string, ImageFrame>();
        float[] state = [];
        float[]? env = null;
        foreach (var (key, value) in t.Observation)
        {
            if (PolicyKeys.IsImage(key))
                images[key] = new ImageFrame((int)value.shape[0], (int)value.shape[1], (int)value.shape[2], value.contiguous().bytes.ToArray());
            else if (key == PolicyKeys.ObservationState) state = value.to(ScalarType.Float32).data<float>().ToArray();
            else if (key == PolicyKeys.ObservationEnvironmentState) env = value.to(ScalarType.Float32).data<float>().ToArray();
        }
        return new EnvObservation { State = state, EnvironmentState = env, Images = images, Joints = reading.Joints };
    }

    private static Dictionary<string, Tensor> ToTensors(EnvObservation o)
    {
        var tensors = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.tensor(o.State) };
        if (o.EnvironmentState is not null) tensors[PolicyKeys.ObservationEnvironmentState] = torch.tensor(o.EnvironmentState);
        foreach (var (key, image) in o.Images)
            tensors[key] = torch.tensor(image.Pixels, [image.Height, image.Width, image.Channels]);
        return tensors;
    }
}
