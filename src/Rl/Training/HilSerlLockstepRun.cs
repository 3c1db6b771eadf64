using System.Diagnostics;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Actor;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using TorchSharp;

namespace RobotActors.Rl.Training;

/// <summary>Settings of a lockstep run that are not in the train config.</summary>
public sealed record LockstepOptions
{
    public int Episodes { get; init; } = 100;
    /// <summary>Scene seeds (episode i starts from seed + i), torch's seed and the buffers' (the train config's seed when null).</summary>
    public int? Seed { get; init; }
    /// <summary>Env steps between two weight pushes: policy_parameters_push_frequency in steps instead of seconds, so the run is deterministic.</summary>
    public int PushEverySteps { get; init; } = 10;
    /// <summary>SAC updates (each utd_ratio critic steps) per env step once learning has started.</summary>
    public int UpdatesPerStep { get; init; } = 1;
    public int Window { get; init; } = 20;
    public double Threshold { get; init; } = 0.9;
}

/// <summary>
/// HIL-SERL's actor and learner in one process, in lockstep on the simulated workcell (no Akka, no threads): the
/// <see cref="HilSerlActorLoop"/> with a <see cref="PolicyReplica"/> acts; after each env step the transition goes to
/// the learner built by <see cref="HilSerlLearnerSetup"/> from the same config (interventions also to its offline
/// buffer), which then does its SAC update(s) once online_step_before_learning transitions are in; every
/// <see cref="LockstepOptions.PushEverySteps"/> env steps the actor's weights are exported and offered to the
/// replica, which takes them at the next step boundary. The ground-truth sparse reward of the task is the reward.
/// With the same config and seed it gives the same figures: the workcell's physics advances only when stepped,
/// and torch is reseeded before every update.
/// </summary>
public sealed class HilSerlLockstepRun : IDisposable
{
    private readonly RobotEnvironment _environment;
    private readonly HilSerlLearnerSetup _setup;
    private readonly PolicyReplica _replica;
    private readonly LockstepOptions _options;
    private readonly int _seed;
    private readonly Action<string> _log;

    private HilSerlLockstepRun(RobotEnvironment environment, HilSerlLearnerSetup setup, PolicyReplica replica, LockstepOptions options, int seed, Action<string> log)
    {
        _environment = environment;
        _setup = setup;
        _replica = replica;
        _options = options;
        _seed = seed;
        _log = log;
    }

    public RobotEnvironment Environment => _environment;
    public HilSerlLearnerSetup Learner => _setup;

    /// <summary>Builds the learner, the replica and the env; throws <see cref="LeRobotConfigException"/> for a config it cannot run.</summary>
    public static HilSerlLockstepRun Open(TrainConfigFile file, LockstepOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        if (options.Episodes < 1) throw new ArgumentException($"episodes must be at least 1 (got {options.Episodes}).");
        if (options.PushEverySteps < 1) throw new ArgumentException($"the push interval must be at least one env step (got {options.PushEverySteps}).");
        if (options.UpdatesPerStep < 0) throw new ArgumentException($"updates per env step must be at least 0 (got {options.UpdatesPerStep}).");
        if (options.Window < 1) throw new ArgumentException($"the success window must be at least one episode (got {options.Window}).");
        var env = file.Env ?? throw new LeRobotConfigException($"{file.Source}: a lockstep HIL-SERL run needs an \"env\" section (a gym_manipulator env on the simulated workcell).");
        if (env.Robot?.IsSim != true)
            throw new LeRobotConfigException($"{file.Source}: env.robot.port must be \"sim\": only the simulated workcell runs in lockstep (a real arm runs in real time; use the cluster's actor and learner).");
        if (file.Sac is not var (policyConfig, _))
            throw new LeRobotConfigException($"{file.Source}: policy.type \"{file.Policy.Type}\" is not trained by the HIL-SERL learner; use \"gaussian_actor\" with an \"algorithm\" section.");
        var seed = options.Seed ?? file.Seed ?? 1000;
        var seeded = file with { Seed = seed };
        torch.manual_seed(seed); // the learner's and the replica's initial networks, and the actions sampled before learning starts
        var setup = HilSerlLearnerSetup.Create(seeded, log);
        foreach (var w in setup.Warnings) log(w);
        var replica = new PolicyReplica(policyConfig);
        try
        {
            var environment = RobotEnvironment.Open(env, new RobotEnvironmentOptions
            {
                UseEnvReward = true, SimRealTime = false, Seed = seed, ConfigFile = file.Source, Device = policyConfig.Device ?? "cpu",
            });
            try
            {
                replica.CheckInputs(environment.ObservationFeatures(), file.Source);
            }
            catch
            {
                environment.Dispose();
                throw;
            }
            return new HilSerlLockstepRun(environment, setup, replica, options, seed, log);
        }
        catch
        {
            replica.Dispose();
            setup.Trainer.Algorithm.Policy.Dispose();
            throw;
        }
    }

    /// <summary>Runs the episodes; <paramref name="episodeDone"/> gets each one as it ends.</summary>
    public LockstepSummary Run(Action<LockstepEpisode>? episodeDone = null, CancellationToken cancel = default)
    {
        var sink = new LearnerSink(this, episodeDone);
        var loop = new HilSerlActorLoop(_environment.Env, _replica, sink.Weights, sink, _environment.ActionNames, _environment.Teleop as ScriptedOperator)
        {
            Seed = _seed,
        };
        sink.Push(); // the learner's initial actor, as the cluster's learner publishes at start
        loop.Run(cancel, episodes: _options.Episodes);
        return LockstepSummary.Of(sink.Episodes, _options.Window, _options.Threshold, _setup.Trainer.OptimizationStep, sink.Clock.Elapsed);
    }

    public void Dispose()
    {
        _environment.Dispose();
        _replica.Dispose();
        _setup.Trainer.Algorithm.Policy.Dispose();
    }

    /// <summary>The learner's side of each step, done on the control thread between two ticks (lockstep: the world waits).</summary>
    private sealed class LearnerSink(HilSerlLockstepRun run, Action<LockstepEpisode>? episodeDone) : IActorLoopSink
    {
        private readonly RlTrainer _trainer = run._setup.Trainer;
        private readonly IReadOnlyList<string> _keys = run._setup.ObservationKeys;
        private int _episode = -1, _interventions;
        private double _return;
        private long _envSteps, _version, _pushedAt = -1, _appliedVersion;

        public PendingWeights Weights { get; } = new();
        public List<LockstepEpisode> Episodes { get; } = [];
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public int OpenEpisode()
        {
            _return = 0;
            _interventions = 0;
            return ++_episode;
        }

        public void Step(int episode, int index, StepResult step, long policyVersion, DateTimeOffset tickTime)
        {
            _return += step.Reward;
            if (step.Events.Intervention) _interventions++;
            _envSteps++;
            _trainer.AddTransition(StepTransitions.From(step, _keys));
            if (_trainer.ReadyToLearn)
                for (var u = 0; u < run._options.UpdatesPerStep; u++) _trainer.TrainingStep();
            if (_envSteps % run._options.PushEverySteps == 0) Push();
        }

        /// <summary>Exports the actor as a new version, when it changed since the last push.</summary>
        public void Push()
        {
            if (_trainer.OptimizationStep == _pushedAt) return;
            _pushedAt = _trainer.OptimizationStep;
            Weights.Offer(ActorWeights.Export(_trainer.Algorithm.Policy, ++_version));
        }

        public void EpisodeEnded(int episode, EpisodeEnd end, int length)
        {
            var e = new LockstepEpisode(episode, _return, end == EpisodeEnd.Success, length, length == 0 ? 0 : (double)_interventions / length,
                _appliedVersion, _envSteps, _trainer.OptimizationStep, Clock.Elapsed);
            Episodes.Add(e);
            episodeDone?.Invoke(e);
        }

        public void PolicyApplied(long version, int episode, int index) => _appliedVersion = version;

        public void Warn(string message) => run._log(message);
    }
}
