using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Training;
using RobotActors.Rl.Buffers;

namespace RobotActors.Rl.Training;

/// <summary>What the learner loop is doing, as one immutable value its owner can read from any thread.</summary>
public sealed record LearnerLoopSnapshot(
    string Phase, string Problem, RlTrainerStatus Trainer, int OnlineStepBeforeLearning, long WeightsVersion, DateTimeOffset? LastWeightsPush,
    string LastCheckpoint);

/// <summary>
/// The HIL-SERL learner's training, on threads of its own so it never runs in an actor's mailbox: an ingest thread
/// that is the replay buffers' only writer, and a training thread that runs one SAC update after another once
/// online_step_before_learning transitions are in (each update does utd_ratio critic steps; the actor and
/// temperature every policy_update_freq), checkpoints atomically every save_freq optimization steps, and exports
/// the actor's weights every policy_parameters_push_frequency seconds when they changed.
/// </summary>
/// <remarks>
/// <para>
/// Why two threads: one update with two 128×128 cameras takes ~0.4 s here, and a queue drained only between
/// updates kept each step out of the buffer for up to an update (step-to-buffer p99 ~1 s). The ingest thread adds
/// a robot's transitions as they are handed over, while an update runs. There is still no add/sample race (LeRobot
/// #2309): each replay buffer locks an add against the part of a sample that copies rows out of its ring, and the
/// update trains on that copy, so its compute (and the batch's DrQ shift) runs without the lock. Order is kept: transitions handed over before <see cref="Start"/>
/// (the journal replayed at startup) are all in before the checkpoint is restored, and the ingest thread waits for
/// the restore before it adds anything after it, so the restored interaction step counts exactly the replay.
/// The <see cref="Snapshot"/> is written by the training thread only (after each update, and about every 100 ms
/// while it waits), so its buffer sizes may trail the adds by up to one update.
/// </para>
/// <para>
/// Weights versions only grow, across restarts too: the last version handed out is kept in
/// output-dir/weights_version.json, because a restart resumes from a checkpoint that may be older than
/// the weights robots already run, and a robot ignores a version it has already passed.
/// </para>
/// </remarks>
public sealed class LearnerLoop : IDisposable
{
    public const string VersionFile = "weights_version.json";

    private readonly HilSerlLearnerSetup _setup;
    private readonly string _outputDir;
    private readonly Action<string> _log;
    private readonly Action<long, byte[]> _publish;
    // The training thread's work (the restore at Start) and its wake-up (work queued, a transition added, stopping).
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly AutoResetEvent _signal = new(false);
    private readonly Thread _thread;
    // The ingest thread's queue: transitions in the order handed over, and the Start barrier among them.
    private readonly ConcurrentQueue<Ingest> _ingest = new();
    private readonly AutoResetEvent _ingestSignal = new(false);
    private readonly Thread _ingestThread;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _stopping;
    private volatile bool _training;
    private volatile string _phase = "rebuilding", _problem = "";
    private string _lastCheckpoint = "";
    private long _version, _pushedAtStep = -1;
    private DateTimeOffset? _lastPush;
    private DateTime _nextPush, _nextUpdate;
    private readonly TimeSpan _minUpdateInterval;
    private LearnerLoopSnapshot _snapshot;
    // (time, optimization step) about once a second over the last few seconds: updates/s as the robots see them.
    private readonly Queue<(DateTime At, long Step)> _rate = new();
    private double _updatesPerSecond;
    // The progress log (progress.jsonl beside the checkpoints) gets a line this often while the learner has started learning.
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(5);
    private DateTime _nextProgressLine;
    private const int MaxTorchErrorsInARow = 3;
    private int _torchErrorsInARow;

    /// <param name="publish">Called on the loop's thread with each new (version, ActorWeights payload); hand it on, do not block.</param>
    /// <param name="maxUpdatesPerSecond">0: update as fast as the machine allows (LeRobot); else at most this many, so a learner
    /// sharing a small machine with robots leaves their control loops CPU time.</param>
    public LearnerLoop(HilSerlLearnerSetup setup, string outputDir, Action<string> log, Action<long, byte[]> publish, double maxUpdatesPerSecond = 0)
    {
        _minUpdateInterval = maxUpdatesPerSecond > 0 ? TimeSpan.FromSeconds(1 / maxUpdatesPerSecond) : TimeSpan.Zero;
        _setup = setup;
        _outputDir = outputDir;
        _log = log;
        _publish = publish;
        _snapshot = Snap();
        _thread = new Thread(Run) { IsBackground = true, Name = "learner-training" };
        _ingestThread = new Thread(RunIngest) { IsBackground = true, Name = "learner-ingest" };
        _thread.Start();
        _ingestThread.Start();
    }

    /// <summary>One item of the ingest queue: transitions to add (then <c>Added</c>), or the Start barrier (<c>Start</c> set).</summary>
    private sealed record Ingest(IReadOnlyList<Transition> Transitions, Action? Added, Action? Start);

    public RlTrainer Trainer => _setup.Trainer;

    public LearnerLoopSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>
    /// Hands transitions over for the buffers (in order); the ingest thread adds them at once, while an update runs
    /// too. Before <see cref="Start"/> (the journal replayed at startup) they are all in before the restore.
    /// </summary>
    /// <param name="added">Called on the ingest thread once they are in the buffer (a bench times step-to-buffer with it).</param>
    public void Add(IReadOnlyList<Transition> transitions, Action? added = null)
    {
        if (transitions.Count == 0) return;
        _ingest.Enqueue(new Ingest(transitions, added, null));
        _ingestSignal.Set();
    }

    /// <summary>
    /// After the journal has been replayed through <see cref="Add"/>: restores the last checkpoint (weights,
    /// critics, temperature, optimizers, counters), publishes the current weights and starts training. It runs on
    /// the training thread once the ingest thread has added everything handed over before it.
    /// </summary>
    public void Start()
    {
        _ingest.Enqueue(new Ingest([], null, Restore));
        _ingestSignal.Set();
    }

    private void Restore()
    {
        _version = ReadVersionFile();
        if (Checkpoints.Last(_outputDir) is { } last)
        {
            var checkpoint = Checkpoints.Resolve(last);
            try
            {
                _version = Math.Max(_version, LearnerCheckpoint.Restore(checkpoint, _setup.Trainer));
                _lastCheckpoint = checkpoint;
                _log($"learner: resumed from {checkpoint} at optimization step {_setup.Trainer.OptimizationStep}, weights version {_version}, " +
                     $"{_setup.Trainer.Mixer.Online.Count} online / {_setup.Trainer.Mixer.Offline?.Count ?? 0} offline transitions");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                Fail($"the last checkpoint {checkpoint} does not fit this train config ({e.Message}); move {Path.Combine(_outputDir, Checkpoints.CheckpointsDir)} " +
                     "away to start afresh, or set robotactors.learner.output-dir to another folder");
                return;
            }
        }
        _training = true;
        _phase = "waiting";
        Push();
    }

    /// <summary>The ingest thread: the buffers' one writer. Adds each handed-over batch as it comes and wakes the training thread.</summary>
    private void RunIngest()
    {
        while (!_stopping)
        {
            while (!_stopping && _ingest.TryDequeue(out var item))
            {
                if (item.Start is { } start)
                {
                    // The restore runs on the training thread (it owns the algorithm); nothing more is added until it is done.
                    using var done = new ManualResetEventSlim(false);
                    Enqueue(() =>
                    {
                        try { start(); }
                        finally { done.Set(); }
                    });
                    try { done.Wait(_stop.Token); }
                    catch (OperationCanceledException) { return; }
                    continue;
                }
                try
                {
                    _setup.Trainer.AddTransitions(item.Transitions);
                    item.Added?.Invoke();
                }
                catch (Exception e) // an exception here would end the process (it is a thread of its own); the status shows it instead
                {
                    var problem = $"{e.GetType().Name}: {e.Message}";
                    Enqueue(() => Fail(problem)); // the phase is the training thread's to change
                }
                _signal.Set(); // a waiting training thread may now be ready to learn
            }
            _ingestSignal.WaitOne();
        }
    }

    private void Enqueue(Action work)
    {
        _work.Enqueue(work);
        _signal.Set();
    }

    /// <summary>The training thread: the restore, then updates, checkpoints and weights pushes.</summary>
    private void Run()
    {
        while (!_stopping)
        {
            while (!_stopping && _work.TryDequeue(out var work))
            {
                try
                {
                    work();
                }
                catch (Exception e) // an exception here would end the process (it is a thread of its own); the status shows it instead
                {
                    Fail($"{e.GetType().Name}: {e.Message}");
                }
            }
            var trainer = _setup.Trainer;
            var now = DateTime.UtcNow;
            if (_training && trainer.ReadyToLearn && now < _nextUpdate)
            {
                _signal.WaitOne(_nextUpdate - now); // rate-limited (the ingest thread takes transitions in meanwhile)
                continue;
            }
            if (_training && trainer.ReadyToLearn)
            {
                _phase = "training";
                _nextUpdate = now + _minUpdateInterval;
                try
                {
                    trainer.TrainingStep();
                    _torchErrorsInARow = 0;
                    if (_setup.SaveCheckpoint && LearnerCheckpoint.IsDue(trainer.OptimizationStep, _setup.SaveFreq)) Checkpoint();
                }
                catch (System.Runtime.InteropServices.ExternalException e) when (++_torchErrorsInARow < MaxTorchErrorsInARow)
                {
                    // One failed update (a libtorch error, e.g. TorchSharp's Scalar race) is skipped; the next one draws a new batch.
                    _log($"learner: an update failed in torch and was skipped ({e.Message.Split('\n', 2)[0].Trim()}); {_torchErrorsInARow} in a row");
                }
                catch (Exception e)
                {
                    Fail(e is InvalidOperationException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}");
                }
                if (DateTime.UtcNow >= _nextPush) Push();
            }
            else
            {
                if (_training) _phase = "waiting";
                Volatile.Write(ref _snapshot, Snap());
                _signal.WaitOne(TimeSpan.FromMilliseconds(100));
                continue;
            }
            Volatile.Write(ref _snapshot, Snap());
            AppendProgressLine();
        }
    }

    /// <summary>One line for `robotactors report` every few seconds of training; a full disk costs the plot, not the training.</summary>
    private void AppendProgressLine()
    {
        var now = DateTime.UtcNow;
        if (now < _nextProgressLine) return;
        _nextProgressLine = now + ProgressLogInterval;
        var t = _snapshot.Trainer;
        try
        {
            LearnerProgressLog.Append(Path.Combine(_outputDir, LearnerProgressLog.FileName),
                new LearnerProgressPoint(DateTimeOffset.UtcNow, t.OptimizationStep, t.UpdatesPerSecond, t.OnlineBufferSize, t.OfflineBufferSize));
        }
        catch (IOException e)
        {
            _log($"learner: could not append to {LearnerProgressLog.FileName}: {e.Message}");
        }
    }

    private void Fail(string problem)
    {
        _training = false;
        _phase = "failed";
        _problem = problem;
        _log($"learner: training stopped: {problem}");
    }

    private void Checkpoint()
    {
        _lastCheckpoint = LearnerCheckpoint.Save(_outputDir, _setup.Trainer, _setup.Pre, _setup.Post, _setup.TrainConfig, _version, _setup.TotalSteps);
        _log($"learner: checkpoint {_lastCheckpoint} (optimization step {_setup.Trainer.OptimizationStep})");
    }

    /// <summary>Exports the actor's weights as a new version (once per push interval, and only when they changed).</summary>
    private void Push()
    {
        _nextPush = DateTime.UtcNow + _setup.PushInterval;
        var step = _setup.Trainer.OptimizationStep;
        if (step == _pushedAtStep) return;
        var version = _version + 1;
        WriteVersionFile(version);
        _version = version;
        _pushedAtStep = step;
        _lastPush = DateTimeOffset.UtcNow;
        _publish(version, ActorWeights.Export(_setup.Trainer.Algorithm.Policy, version));
    }

    private long ReadVersionFile()
    {
        var path = Path.Combine(_outputDir, VersionFile);
        if (!File.Exists(path)) return 0;
        return JsonNode.Parse(File.ReadAllText(path))?["weights_version"]?.GetValue<long>()
               ?? throw new InvalidDataException($"{path} holds no weights_version; delete it to count from the last checkpoint's version");
    }

    private void WriteVersionFile(long version)
    {
        Directory.CreateDirectory(_outputDir);
        var path = Path.Combine(_outputDir, VersionFile);
        var temp = path + ".tmp";
        File.WriteAllText(temp, new JsonObject { ["weights_version"] = version }.ToJsonString());
        File.Move(temp, path, overwrite: true);
    }

    private LearnerLoopSnapshot Snap()
    {
        var status = _setup.Trainer.Status();
        var now = DateTime.UtcNow;
        if (_rate.Count == 0 || now - _rate.Last().At >= TimeSpan.FromSeconds(1))
        {
            _rate.Enqueue((now, status.OptimizationStep));
            while (_rate.Count > 6) _rate.Dequeue();
            var (at, step) = _rate.Peek();
            _updatesPerSecond = now > at ? (status.OptimizationStep - step) / (now - at).TotalSeconds : 0;
        }
        // Wall-clock updates per second over the last few seconds (0 while waiting for transitions), not the time inside updates.
        return new(_phase, _problem, status with { UpdatesPerSecond = _updatesPerSecond }, _setup.Trainer.OnlineStepBeforeLearning, _version, _lastPush, _lastCheckpoint);
    }

    public void Dispose()
    {
        if (_stopping) return; // once: a second call would signal a disposed handle
        _stopping = true;
        _stop.Cancel();
        _signal.Set();
        _ingestSignal.Set();
        var joined = true;
        if (Thread.CurrentThread != _thread) joined &= _thread.Join(TimeSpan.FromSeconds(30));
        if (Thread.CurrentThread != _ingestThread) joined &= _ingestThread.Join(TimeSpan.FromSeconds(30));
        if (!joined) return; // a thread still runs (a stuck update): leave it its handles rather than have it touch disposed ones
        _signal.Dispose();
        _ingestSignal.Dispose();
        _stop.Dispose();
    }
}
