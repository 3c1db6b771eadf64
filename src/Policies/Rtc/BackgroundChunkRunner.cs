using RobotActors.Policies.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Rtc;

/// <summary>What a <see cref="BackgroundChunkRunner"/> did, readable from any thread.</summary>
/// <param name="Requests">Chunks started.</param>
/// <param name="Chunks">Chunks merged into the queue.</param>
/// <param name="StartupHolds">Ticks with no action before an episode's first chunk arrived.</param>
/// <param name="DryHolds">Ticks after the first chunk on which the queue had run dry (the next chunk was late).</param>
/// <param name="DelayP50Ticks">Ticks from starting a chunk to merging it (its inference delay), median.</param>
/// <param name="DelayMaxTicks">The same, largest.</param>
/// <param name="Joins">Chunk boundaries measured: merges into a queue that still held actions.</param>
/// <param name="JoinJumpMean">At a boundary, |new chunk's action − what the old chunk would have done| (largest joint), mean.</param>
/// <param name="JoinJumpMax">The same, largest.</param>
/// <param name="OwnStepMean">|action − previous action| within one chunk (largest joint), mean: the policy's own motion.</param>
public sealed record BackgroundChunkFigures(long Requests, long Chunks, long StartupHolds, long DryHolds, int DelayP50Ticks, int DelayMaxTicks,
    long Joins, double JoinJumpMean, double JoinJumpMax, double OwnStepMean)
{
    public override string ToString() =>
        $"chunks={Chunks}/{Requests} delay_ticks_p50={DelayP50Ticks} delay_ticks_max={DelayMaxTicks} startup_holds={StartupHolds} dry_holds={DryHolds} " +
        $"joins={Joins} join_jump_mean={JoinJumpMean:0.####} join_jump_max={JoinJumpMax:0.####} own_step_mean={OwnStepMean:0.####}";
}

/// <summary>
/// Real-Time Chunking with the chunk computed off the control thread (LeRobot's RTC deployment loop, as plain code).
/// Every tick the control thread pops the next action from an <see cref="RtcActionQueue"/>; when the queue falls to
/// <see cref="QueueThreshold"/> actions it hands the present observation and the queue's leftover to one inference
/// thread (one chunk at a time) and goes on executing the queued actions. When the chunk arrives, at the start of a
/// later tick, it replaces the leftover minus the actions executed meanwhile (the real inference delay); the chunk
/// itself was guided toward the leftover with the delay the last chunks took (their largest, as LeRobot estimates
/// inference_delay from its latency history). A tick with nothing queued returns null and is counted: the robot
/// holds its last goal, nothing is invented.
/// </summary>
/// <remarks>
/// Torch runs on the inference thread only (the policy, the postprocessor); the control thread builds the observation
/// tensors and pops. Observations go to the policy as windows (B, n_obs_steps, ...) so a policy's own observation
/// history is never touched from two threads. Each chunk is computed inside a <see cref="FinalizerSafeRegion"/>, as
/// every torch call of the runtime is.
/// </remarks>
public sealed class BackgroundChunkRunner : IDisposable
{
    private const int DelayHistory = 10;

    private readonly IRealTimeChunkingPolicy _policy;
    private readonly Func<Tensor, Tensor>? _postprocess;
    private readonly Action<long>? _beforeInference;
    private readonly RtcActionQueue _queue = new(rtcEnabled: true);
    private readonly Queue<Dictionary<string, Tensor>> _window = new();
    private readonly Thread _thread;
    private readonly SemaphoreSlim _work = new(0);
    private readonly List<int> _delays = [];    // the last few, for the next chunk's estimate
    private readonly List<int> _allDelays = []; // for the figures
    private readonly object _figuresGate = new();
    private volatile bool _stopping;
    private Job? _job;       // set by the control thread, read by the inference thread after _work is released
    private Result? _result; // set by the inference thread, taken by the control thread
    private bool _inFlight;
    private long _generation;
    private bool _gotChunk;
    private float[]? _previousInChunk;
    private long _requests, _chunks, _startupHolds, _dryHolds, _joins;
    private double _jumpSum, _jumpMax, _stepSum;
    private long _steps;

    private sealed record Job(long Generation, long Tick, Dictionary<string, Tensor> Batch, Tensor? Leftover, int Delay, int IndexBefore);

    private sealed record Result(Job Job, Tensor? Original, Tensor? Processed, Exception? Error);

    /// <param name="policy">The chunking policy; only the inference thread calls it.</param>
    /// <param name="postprocess">The policy's postprocessor for one action (B, A), e.g. unnormalization; applied to whole chunks on the inference thread.</param>
    /// <param name="queueThreshold">Start the next chunk when this many actions are left (at least 1, at most the chunk size).</param>
    /// <param name="guided">false: chunks are computed the same way but not guided toward the leftover (the comparison without RTC).</param>
    /// <param name="observationSteps">The policy's n_obs_steps: how many observations each window holds.</param>
    /// <param name="beforeInference">Called on the inference thread with the tick a chunk was asked at, before it is computed (tests hold inference with it).</param>
    public BackgroundChunkRunner(IRealTimeChunkingPolicy policy, Func<Tensor, Tensor>? postprocess, int queueThreshold, bool guided = true,
        int observationSteps = 1, Action<long>? beforeInference = null)
    {
        if (queueThreshold < 1 || queueThreshold > policy.ChunkSize)
            throw new ArgumentOutOfRangeException(nameof(queueThreshold), queueThreshold, $"the next chunk starts when 1 to chunk_size={policy.ChunkSize} actions are left");
        if (observationSteps < 1) throw new ArgumentOutOfRangeException(nameof(observationSteps), observationSteps, "a window holds at least one observation");
        _policy = policy;
        _postprocess = postprocess;
        _beforeInference = beforeInference;
        QueueThreshold = queueThreshold;
        Guided = guided;
        ObservationSteps = observationSteps;
        // Below the control thread: a chunk may take many ticks, a tick must not wait for it. Measured on the sim at 30 fps
        // on a loaded 2-core machine, normal priority gave 10-24 overruns and chunks up to 12 ticks late (3-4 dry holds)
        // in 20 s, below normal 5 overruns, at most 8 ticks and no dry hold.
        _thread = new Thread(InferenceLoop) { IsBackground = true, Name = "rtc-inference", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    public int QueueThreshold { get; }
    public bool Guided { get; }
    public int ObservationSteps { get; }

    /// <summary>A chunk (or a failure) has come back and is merged at the start of the next tick.</summary>
    public bool ChunkArrived => Volatile.Read(ref _result) is not null;

    /// <summary>Actions queued now.</summary>
    public int Queued => _queue.Count;

    public BackgroundChunkFigures Figures
    {
        get
        {
            lock (_figuresGate)
            {
                var sorted = _allDelays.Order().ToArray();
                return new BackgroundChunkFigures(_requests, _chunks, _startupHolds, _dryHolds,
                    sorted.Length == 0 ? 0 : sorted[sorted.Length / 2], sorted.Length == 0 ? 0 : sorted[^1],
                    _joins, _joins == 0 ? 0 : _jumpSum / _joins, _jumpMax, _steps == 0 ? 0 : _stepSum / _steps);
            }
        }
    }

    /// <summary>
    /// The action for this tick (B, A), post-processed, or null when none is queued. <paramref name="observe"/> gives the
    /// tick's preprocessed observation (B, ...) per key; it is called only on ticks that need it.
    /// </summary>
    public Tensor? Next(long tick, Func<IReadOnlyDictionary<string, Tensor>> observe)
    {
        MergeArrived(tick);
        if (ObservationSteps > 1) Remember(observe());
        if (!_inFlight && _queue.Count <= QueueThreshold) Request(tick, observe);
        var action = _queue.Pop();
        lock (_figuresGate)
        {
            if (action is null)
            {
                if (_gotChunk) _dryHolds++;
                else _startupHolds++;
                _previousInChunk = null;
                return null;
            }
            var values = action.to(float32).reshape(-1).data<float>().ToArray();
            if (_previousInChunk is { } p)
            {
                _stepSum += LargestDifference(values, p);
                _steps++;
            }
            _previousInChunk = values;
        }
        return action;
    }

    /// <summary>
    /// A new episode: the queue and the observation window empty. A chunk still being computed is dropped when it
    /// arrives, and the episode's first chunk is started then (one chunk at a time on the inference thread).
    /// </summary>
    public void Reset()
    {
        Interlocked.Increment(ref _generation);
        _queue.Clear();
        ClearWindow();
        lock (_figuresGate)
        {
            _gotChunk = false;
            _previousInChunk = null;
        }
    }

    private void MergeArrived(long tick)
    {
        var result = Interlocked.Exchange(ref _result, null);
        if (result is null) return;
        _inFlight = false;
        using var scope = torch.NewDisposeScope();
        using (result.Original) using (result.Processed) // detached on the inference thread; the queue keeps copies
        {
            if (result.Error is { } error) throw new InvalidOperationException($"the policy failed computing a chunk in the background: {error.Message}", error);
            if (result.Job.Generation != Interlocked.Read(ref _generation)) return; // asked in an episode that has ended
            var old = _queue.ProcessedLeftOver();
            var applied = _queue.Merge(result.Original!, result.Processed, (int)(tick - result.Job.Tick), result.Job.IndexBefore);
            lock (_figuresGate)
            {
                var delay = (int)(tick - result.Job.Tick);
                _delays.Add(delay);
                if (_delays.Count > DelayHistory) _delays.RemoveAt(0);
                _allDelays.Add(delay);
                _chunks++;
                _gotChunk = true;
                if (old is not null && applied < result.Processed!.shape[1])
                {
                    // The boundary: what the robot does now from the new chunk against what the old chunk had for now.
                    var jump = LargestDifference(result.Processed[0, applied].to(float32).data<float>().ToArray(), old[0, 0].to(float32).data<float>().ToArray());
                    _jumpSum += jump;
                    _jumpMax = Math.Max(_jumpMax, jump);
                    _joins++;
                }
                _previousInChunk = null; // the step across a boundary is the jump, not the policy's own motion
            }
        }
    }

    private void Request(long tick, Func<IReadOnlyDictionary<string, Tensor>> observe)
    {
        var batch = ObservationSteps > 1 ? StackWindow() : observe().ToDictionary(kv => kv.Key, kv => kv.Value.unsqueeze(1).clone().DetachFromDisposeScope());
        var leftover = Guided ? _queue.LeftOver()?.DetachFromDisposeScope() : null;
        int delay;
        lock (_figuresGate)
        {
            delay = _delays.Count == 0 ? 0 : _delays.Max();
            _requests++;
        }
        // Guidance pins the first `delay` steps to the leftover; it cannot pin more than the leftover has.
        if (leftover is not null) delay = (int)Math.Min(delay, leftover.shape[1]);
        _job = new Job(Interlocked.Read(ref _generation), tick, batch, leftover, delay, _queue.ActionIndex);
        _inFlight = true;
        _work.Release();
    }

    private void InferenceLoop()
    {
        while (true)
        {
            _work.Wait();
            if (_stopping) return;
            var job = Volatile.Read(ref _job)!;
            Tensor? original = null, processed = null;
            Exception? error = null;
            try
            {
                _beforeInference?.Invoke(job.Tick);
                if (_stopping) return;
                using var scope = torch.NewDisposeScope();
                using var region = FinalizerSafeRegion.Enter(); // TorchSharp's temporary Scalars: see FinalizerSafeRegion
                var chunk = _policy.PredictActionChunk(job.Batch, job.Delay, job.Leftover);
                var post = _postprocess is null ? chunk : Postprocess(chunk);
                original = chunk.detach().clone().DetachFromDisposeScope();
                processed = post.detach().clone().DetachFromDisposeScope();
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                foreach (var t in job.Batch.Values) t.Dispose();
                job.Leftover?.Dispose();
            }
            Volatile.Write(ref _result, new Result(job, original, processed, error));
        }
    }

    // The postprocessor is written for one action (B, A): a chunk goes through it as B·T actions.
    private Tensor Postprocess(Tensor chunk)
    {
        var (b, t, a) = (chunk.shape[0], chunk.shape[1], chunk.shape[2]);
        var flat = _postprocess!(chunk.reshape(b * t, a));
        return flat.reshape(b, t, flat.shape[^1]);
    }

    private void Remember(IReadOnlyDictionary<string, Tensor> observation)
    {
        _window.Enqueue(observation.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope()));
        while (_window.Count > ObservationSteps)
            foreach (var t in _window.Dequeue().Values) t.Dispose();
    }

    /// <summary>The last n_obs_steps observations as (B, n, ...) per key, the oldest repeated until the episode has that many.</summary>
    private Dictionary<string, Tensor> StackWindow()
    {
        var steps = _window.ToList();
        while (steps.Count < ObservationSteps) steps.Insert(0, steps[0]);
        return steps[0].Keys.ToDictionary(k => k, k => torch.stack(steps.Select(s => s[k]).ToArray(), 1).DetachFromDisposeScope());
    }

    private void ClearWindow()
    {
        while (_window.Count > 0)
            foreach (var t in _window.Dequeue().Values) t.Dispose();
    }

    private static double LargestDifference(float[] a, float[] b)
    {
        var largest = 0.0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++) largest = Math.Max(largest, Math.Abs(a[i] - b[i]));
        return largest;
    }

    public void Dispose()
    {
        _stopping = true;
        _work.Release();
        // A chunk being computed finishes first (the policy may not be disposed under it); a held test hook is not waited for long.
        _thread.Join(TimeSpan.FromSeconds(10));
        if (Interlocked.Exchange(ref _result, null) is { } r)
        {
            r.Original?.Dispose();
            r.Processed?.Dispose();
        }
        _queue.Dispose();
        ClearWindow();
        _work.Dispose();
    }
}
