using System.Diagnostics;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Tdmpc;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using TorchSharp;

namespace RobotActors.Rl.Training;

/// <summary>Settings of an online TD-MPC run that are not in the policy config.</summary>
public sealed record TdmpcOnlineOptions
{
    public int Episodes { get; init; } = 100;
    /// <summary>First episodes with uniform random actions (TD-MPC's seed steps); the normalization statistics come from them.</summary>
    public int SeedEpisodes { get; init; } = 5;
    /// <summary>Updates once the seed episodes are in, before the planner acts (the original's seed-steps update burst); null: one per seed step.</summary>
    public int? PretrainUpdates { get; init; }
    /// <summary>Gradient steps per env step after the seed episodes.</summary>
    public int UpdatesPerStep { get; init; } = 1;
    public int BatchSize { get; init; } = 128;
    public int BufferCapacity { get; init; } = 100_000;
    /// <summary>Gaussian exploration noise added to the planner's action: its std falls linearly from start to end over <see cref="ExplorationEpisodes"/>.</summary>
    public double ExplorationStdStart { get; init; } = 0.5;
    public double ExplorationStdEnd { get; init; } = 0.05;
    public int ExplorationEpisodes { get; init; } = 40;
    /// <summary>Episodes after training with the planner alone (no noise, no updates).</summary>
    public int EvalEpisodes { get; init; }
    public int Seed { get; init; } = 1000;
    public int Window { get; init; } = 20;
}

/// <summary>One episode of the run: training (seed or planner) or evaluation.</summary>
public sealed record TdmpcEpisode(int Episode, string Phase, double Return, bool Success, int Length, double ExplorationStd, long EnvSteps,
    long Updates, IReadOnlyDictionary<string, double> LastLoss, TimeSpan Wall);

public sealed record TdmpcOnlineSummary(int Episodes, int Window, double SuccessRateLast, int EvalEpisodes, double EvalSuccessRate, long EnvSteps, long Updates, TimeSpan Wall);

/// <summary>
/// TD-MPC learning a simulated workcell task online, in one process and in lockstep (no Akka, no threads): the
/// workcell env opened from a gym_manipulator config with the task's ground-truth reward and no operator; the first
/// seed episodes act at random, then the policy plans every action (plus decaying Gaussian exploration noise) and
/// after every env step the policy does <see cref="TdmpcOnlineOptions.UpdatesPerStep"/> gradient steps on
/// horizon-long windows drawn from an <see cref="EpisodeSequenceBuffer"/> of every episode so far, the EMA target
/// moving after each. Normalization statistics are those of the seed episodes' observations (LeRobot's training
/// takes them from the dataset). Torch is seeded once and the physics advances only when stepped, so a run with
/// the same config and seed gives the same figures.
/// </summary>
public sealed class TdmpcOnlineRun : IDisposable
{
    private readonly RobotEnvironment _environment;
    private readonly TdmpcConfig _config;
    private readonly TdmpcPolicy _policy;
    private readonly OptimizerSet _optimizers;
    private readonly TdmpcOnlineOptions _options;
    private readonly EpisodeSequenceBuffer _buffer;
    private readonly IReadOnlyList<string> _keys;
    private readonly Random _noise;
    private ProcessorPipeline? _pre, _post;
    private long _updates;

    private TdmpcOnlineRun(RobotEnvironment environment, TdmpcConfig config, TdmpcOnlineOptions options)
    {
        _environment = environment;
        _config = config;
        _options = options;
        _keys = config.InputFeatures.Keys.ToList();
        _policy = new TdmpcPolicy(config);
        _optimizers = _policy.MakeOptimizers(config.GetOptimizerPreset());
        _buffer = new EpisodeSequenceBuffer(_keys, options.BufferCapacity, options.Seed);
        _noise = new Random(options.Seed);
    }

    public RobotEnvironment Environment => _environment;
    public TdmpcConfig Config => _config;
    public TdmpcPolicy Policy => _policy;
    public long Updates => _updates;

    /// <summary>
    /// Opens the env of <paramref name="env"/> (env.robot.port "sim") and a policy for it: input features, when the
    /// config names none, are the env's observation.state and observation.environment_state; the action is the env's.
    /// </summary>
    public static TdmpcOnlineRun Open(HilSerlRobotEnvConfig env, string source, TdmpcConfig config, TdmpcOnlineOptions options)
    {
        if (options.Episodes < 1) throw new ArgumentException($"episodes must be at least 1 (got {options.Episodes}).");
        if (options.SeedEpisodes < 1 || options.SeedEpisodes >= options.Episodes)
            throw new ArgumentException($"seed episodes must be at least 1 and fewer than the episodes ({options.Episodes}); got {options.SeedEpisodes} (the normalization statistics come from them).");
        if (options.BatchSize < 1) throw new ArgumentException($"the batch size must be at least 1 (got {options.BatchSize}).");
        if (options.UpdatesPerStep < 0) throw new ArgumentException($"updates per env step must be at least 0 (got {options.UpdatesPerStep}).");
        if (options.Window < 1) throw new ArgumentException($"the success window must be at least one episode (got {options.Window}).");
        if (env.Robot?.IsSim != true)
            throw new LeRobotConfigException($"{source}: env.robot.port must be \"sim\": online TD-MPC runs in lockstep on the simulated workcell only.");
        torch.manual_seed(options.Seed);
        var environment = RobotEnvironment.Open(env, new RobotEnvironmentOptions
        {
            UseTeleoperator = false, UseEnvReward = true, SimRealTime = false, Seed = options.Seed, ConfigFile = source, Device = config.Device ?? "cpu",
        });
        try
        {
            var features = environment.ObservationFeatures();
            if (config.InputFeatures.Count == 0)
                config.InputFeatures = features.Where(kv => kv.Key is PolicyKeys.ObservationState or PolicyKeys.ObservationEnvironmentState).ToDictionary();
            foreach (var (key, feature) in config.InputFeatures)
            {
                if (!features.TryGetValue(key, out var has))
                    throw new LeRobotConfigException($"{source}: policy.input_features.{key}: the env's observation has no such feature (it has {string.Join(", ", features.Keys)}).");
                if (!has.Shape.SequenceEqual(feature.Shape))
                    throw new LeRobotConfigException($"{source}: policy.input_features.{key} has shape [{string.Join(", ", feature.Shape)}] but the env gives [{string.Join(", ", has.Shape)}].");
                if (feature.Type == FeatureType.Visual)
                    throw new LeRobotConfigException($"{source}: policy.input_features.{key}: the online run stores vector observations only (observation.state, observation.environment_state); leave cameras out.");
            }
            config.OutputFeatures = new() { [PolicyKeys.Action] = new(FeatureType.Action, [environment.ActionNames.Count]) };
            return new TdmpcOnlineRun(environment, config, options);
        }
        catch
        {
            environment.Dispose();
            throw;
        }
    }

    /// <summary>The normalization statistics: the buffer's observations and the env's action box [-1, 1].</summary>
    public DatasetStats Statistics()
    {
        var stats = new DatasetStats();
        foreach (var (key, (min, max, mean, std)) in _buffer.Statistics())
        {
            // An entry that never moved (a fixed joint) gets a unit range instead of a division by zero.
            var lo = min.Select((v, i) => max[i] - v < 1e-4f ? v - 0.5f : v).ToArray();
            var hi = max.Select((v, i) => v - min[i] < 1e-4f ? v + 0.5f : v).ToArray();
            stats.Set(key, "min", lo).Set(key, "max", hi).Set(key, "mean", mean).Set(key, "std", std.Select(s => Math.Max(s, 1e-3f)).ToArray());
        }
        var width = _config.ActionFeature!.Shape[0];
        stats.Set(PolicyKeys.Action, "min", Enumerable.Repeat(-1f, width).ToArray()).Set(PolicyKeys.Action, "max", Enumerable.Repeat(1f, width).ToArray());
        return stats;
    }

    public TdmpcOnlineSummary Run(Action<TdmpcEpisode>? episodeDone = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var episodes = new List<TdmpcEpisode>();
        long envSteps = 0;
        var last = new Dictionary<string, double>();
        var total = _options.Episodes + _options.EvalEpisodes;
        for (var episode = 0; episode < total && !cancel.IsCancellationRequested; episode++)
        {
            var seeding = episode < _options.SeedEpisodes;
            var evaluating = episode >= _options.Episodes;
            if (episode == _options.SeedEpisodes)
            {
                (_pre, _post) = PolicyFactory.MakeProcessors(_config, Statistics());
                var burst = _options.PretrainUpdates ?? _buffer.Steps;
                log?.Invoke($"{_options.SeedEpisodes} seed episodes in ({_buffer.Steps} steps); {burst} updates before the planner acts");
                for (var u = 0; u < burst; u++) last = Update();
            }
            var std = seeding || evaluating ? 0 : ExplorationStd(episode - _options.SeedEpisodes);
            var env = _environment.Env;
            var observation = env.Reset(_options.Seed + episode, waitResetTime: false);
            _policy.Reset();
            _buffer.Begin(Vectors(observation));
            double ret = 0;
            var success = false;
            var length = 0;
            while (!cancel.IsCancellationRequested)
            {
                var action = seeding ? RandomAction() : Act(observation, std);
                var step = env.Step(action);
                envSteps++;
                length++;
                ret += step.Reward;
                success |= step.Task?.Success == true;
                if (!evaluating)
                {
                    _buffer.Add(step.Action, step.Reward, Vectors(step.Next));
                    if (!seeding)
                        for (var u = 0; u < _options.UpdatesPerStep; u++) last = Update();
                }
                observation = step.Next;
                if (step.EpisodeOver) break;
            }
            var e = new TdmpcEpisode(episode, seeding ? "seed" : evaluating ? "eval" : "train", ret, success, length, std, envSteps, _updates, last, clock.Elapsed);
            episodes.Add(e);
            episodeDone?.Invoke(e);
        }
        var training = episodes.Where(e => e.Phase != "eval").ToList();
        var window = training.TakeLast(_options.Window).ToList();
        var evals = episodes.Where(e => e.Phase == "eval").ToList();
        return new TdmpcOnlineSummary(training.Count, window.Count, window.Count == 0 ? 0 : window.Count(e => e.Success) / (double)window.Count,
            evals.Count, evals.Count == 0 ? 0 : evals.Count(e => e.Success) / (double)evals.Count, envSteps, _updates, clock.Elapsed);
    }

    /// <summary>Writes the trained policy with its processors (config.json, model.safetensors, the processor files).</summary>
    public void Save(string directory) => _policy.SavePretrained(directory, _pre, _post);

    private double ExplorationStd(int trainEpisode)
    {
        var f = _options.ExplorationEpisodes <= 0 ? 1 : Math.Min(1.0, trainEpisode / (double)_options.ExplorationEpisodes);
        return _options.ExplorationStdStart + (_options.ExplorationStdEnd - _options.ExplorationStdStart) * f;
    }

    private float[] RandomAction() =>
        Enumerable.Range(0, (int)_config.ActionFeature!.Shape[0]).Select(_ => (float)(_noise.NextDouble() * 2 - 1)).ToArray();

    private float[] Act(EnvObservation observation, double std)
    {
        using var scope = torch.NewDisposeScope();
        var batch = _environment.Pipeline.PolicyBatch(observation).Where(kv => _config.InputFeatures.ContainsKey(kv.Key)).ToDictionary();
        var action = _post!.ProcessAction(_policy.SelectAction(_pre!.ProcessBatch(batch)));
        var values = action.to(torch.ScalarType.Float32).reshape(-1).data<float>().ToArray();
        for (var i = 0; i < values.Length; i++)
            values[i] = Math.Clamp(values[i] + (float)(std * Gaussian()), -1f, 1f);
        return values;
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _noise.NextDouble())) * Math.Cos(2 * Math.PI * _noise.NextDouble());

    private Dictionary<string, float[]> Vectors(EnvObservation observation)
    {
        var result = new Dictionary<string, float[]> { [PolicyKeys.ObservationState] = observation.State };
        if (observation.EnvironmentState is { } env) result[PolicyKeys.ObservationEnvironmentState] = env;
        return result;
    }

    private Dictionary<string, double> Update()
    {
        using var scope = torch.NewDisposeScope();
        var info = _policy.TrainStep(() => _pre!.ProcessBatch(_buffer.SampleWindows(_options.BatchSize, _config.Horizon)), _optimizers, _updates);
        _updates++;
        return info;
    }

    public void Dispose()
    {
        _environment.Dispose();
        _policy.Dispose();
    }
}
