using System.Diagnostics;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Training;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Training;

/// <summary>The learner's numbers, as plain values for its status and logs.</summary>
public sealed record RlTrainerStatus(
    long OptimizationStep,
    long InteractionStep,
    int OnlineBufferSize,
    int OfflineBufferSize,
    long SkippedTransitions,
    double Temperature,
    double UpdatesPerSecond,
    IReadOnlyDictionary<string, double> LastMetrics);

/// <summary>
/// LeRobot's RLTrainer with the learner loop's transition handling around it (rl/learner.py,
/// add_actor_information_and_train): transitions go into the online buffer — and interventions into the
/// offline buffer too, when there is one (§4 step 1, §12.3); a transition with a non-finite number is
/// skipped and reported, never trained on. Learning starts once the online buffer holds
/// online_step_before_learning transitions; one <see cref="TrainingStep"/> is one SAC update drawing its
/// batches from the mixer and normalizing them with the policy's preprocessor.
///
/// Torch's generator is reseeded from (seed, optimization step) before each update and the buffers' samplers
/// keep their own saved state, so a learner resumed from a checkpoint continues exactly as it would have.
/// </summary>
/// <remarks>
/// Threading: transitions may be added from one thread (the learner loop's ingest thread) while another runs
/// <see cref="TrainingStep"/>, so that a step reaches the buffer while an update runs (one update with two 128×128
/// cameras takes ~0.4 s on a small machine; a queue drained between updates made step-to-buffer p99 ~1 s). There
/// is no add/sample race (LeRobot #2309): each <see cref="ReplayBuffer"/> locks an add against the part of a sample
/// that copies rows out of its ring, and the batch the update trains on is that copy, so the forward and backward
/// passes run while transitions go on being added. The trainer's own lock keeps the counters the adds change
/// (interaction step, skipped transitions) whole for a checkpoint. Everything else (TrainingStep, checkpoint
/// save and restore) has one caller at a time, the training thread.
/// </remarks>
public sealed class RlTrainer
{
    private readonly ProcessorPipeline _preprocessor;
    private readonly Action<string> _log;
    private readonly Stopwatch _clock = new();
    private IReadOnlyDictionary<string, double> _lastMetrics = new Dictionary<string, double>();
    private long _timedUpdates;
    // Held while a transition is stored and its counters move, and while a checkpoint reads or restores them.
    private readonly Lock _buffers = new();

    public RlTrainer(SacAlgorithm algorithm, ProcessorPipeline preprocessor, OnlineOfflineMixer mixer, int batchSize,
        int onlineStepBeforeLearning, int seed = 1000, Action<string>? log = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be at least 1");
        if (onlineStepBeforeLearning < 0) throw new ArgumentOutOfRangeException(nameof(onlineStepBeforeLearning), onlineStepBeforeLearning, "online_step_before_learning must be at least 0");
        Algorithm = algorithm;
        _preprocessor = preprocessor;
        Mixer = mixer;
        BatchSize = batchSize;
        OnlineStepBeforeLearning = onlineStepBeforeLearning;
        Seed = seed;
        _log = log ?? (_ => { });
        if (algorithm.Optimizers is null) algorithm.MakeOptimizers();
    }

    public SacAlgorithm Algorithm { get; }
    public OnlineOfflineMixer Mixer { get; }
    public int BatchSize { get; }
    public int OnlineStepBeforeLearning { get; }
    public int Seed { get; }

    /// <summary>Transitions accepted into the online buffer (LeRobot's interaction step on the learner's side).</summary>
    public long InteractionStep { get; set; }

    public long SkippedTransitions { get; set; }
    public long OptimizationStep => Algorithm.OptimizationStep;

    /// <summary>Whether the online buffer holds enough transitions to learn (LeRobot's online_step_before_learning).</summary>
    public bool ReadyToLearn => Mixer.Online.Count >= Math.Max(1, OnlineStepBeforeLearning);

    /// <summary>
    /// Test hook: called on the training thread inside an update, after each batch is drawn (no lock held; a test
    /// blocks here to add transitions while an update is in progress).
    /// </summary>
    public Action? BatchDrawn { get; set; }

    /// <summary>Stores one transition; false (and a log line) when it was refused. Safe to call while another thread trains.</summary>
    public bool AddTransition(Transition transition)
    {
        string? refused = null;
        lock (_buffers)
        {
            try
            {
                Mixer.Online.Add(transition);
            }
            catch (InvalidTransitionException e)
            {
                SkippedTransitions++;
                refused = $"learner: skipped a transition after interaction step {InteractionStep} ({SkippedTransitions} skipped so far): {e.Message}";
            }
            if (refused is null)
            {
                InteractionStep++;
                if (transition.IsIntervention && Mixer.Offline is { } offline) offline.Add(transition);
            }
        }
        if (refused is null) return true;
        _log(refused); // outside the lock: a log sink must not hold up a batch being drawn
        return false;
    }

    /// <summary>Runs <paramref name="action"/> holding the buffers' lock (checkpoint save and restore read or set the counters and samplers' states).</summary>
    public T WithBuffersLocked<T>(Func<T> action)
    {
        lock (_buffers) return action();
    }

    /// <summary>A mixed batch in the robot's units (copies: safe to use while transitions are added). One sampling thread at a time.</summary>
    public Dictionary<string, Tensor> SampleBatch(int batchSize) => Mixer.Sample(batchSize);

    /// <summary>Stores transitions in order (a batch from a robot, or the journal replayed on restart); returns how many were accepted.</summary>
    public int AddTransitions(IEnumerable<Transition> transitions) => transitions.Count(AddTransition);

    /// <summary>
    /// One SAC update (utd_ratio critic sub-steps, each on a fresh normalized batch). Returns the losses, grad
    /// norms and temperature with the optimization step and buffer sizes. A non-finite loss stops training
    /// with an error naming it (the last checkpoint stays the last good one).
    /// </summary>
    public Dictionary<string, double> TrainingStep()
    {
        if (!ReadyToLearn)
            throw new InvalidOperationException($"the online buffer holds {Mixer.Online.Count} transitions; learning starts at online_step_before_learning={OnlineStepBeforeLearning}");
        torch.manual_seed(unchecked(Seed * 1_000_003L + Algorithm.OptimizationStep));
        _clock.Start();
        Dictionary<string, double> metrics;
        // No collection during an update: TorchSharp's temporary Scalars (the implicit alpha of every add_) could be
        // finalized while libtorch reads them; a node's learner died of it ("toFloat at c10/core/Scalar.h") after ~6800 updates.
        using (RobotActors.Policies.Torch.FinalizerSafeRegion.Enter())
            metrics = Algorithm.Update(Batches());
        _clock.Stop();
        _timedUpdates++;
        if (metrics.FirstOrDefault(kv => kv.Key.StartsWith("loss_", StringComparison.Ordinal) && !double.IsFinite(kv.Value)) is { Key: not null } bad)
            throw new InvalidOperationException($"learner: {bad.Key} became {bad.Value} at optimization step {Algorithm.OptimizationStep}; training stopped (the last checkpoint is the last good state)");
        metrics["optimization_step"] = Algorithm.OptimizationStep;
        metrics["interaction_step"] = InteractionStep;
        metrics["replay_buffer_size"] = Mixer.Online.Count;
        metrics["offline_replay_buffer_size"] = Mixer.Offline?.Count ?? 0;
        metrics["skipped_transitions"] = SkippedTransitions;
        _lastMetrics = metrics;
        return metrics;
    }

    private IEnumerator<SacBatch> Batches()
    {
        while (true)
        {
            var raw = SampleBatch(BatchSize);
            BatchDrawn?.Invoke();
            yield return SacBatch.FromDictionary(TransitionBatches.Normalize(_preprocessor, raw));
        }
    }

    public RlTrainerStatus Status() => new(
        Algorithm.OptimizationStep, InteractionStep, Mixer.Online.Count, Mixer.Offline?.Count ?? 0, SkippedTransitions,
        Algorithm.Temperature, _clock.Elapsed.TotalSeconds > 0 ? _timedUpdates / _clock.Elapsed.TotalSeconds : 0, _lastMetrics);
}
