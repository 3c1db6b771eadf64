using System.Collections.Concurrent;
using RobotActors.Policies.Inference;
using RobotActors.Rl.Env;

namespace RobotActors.Rl.Rollout;

/// <summary>Sends observations to wherever the policy runs; never waits (the chunk comes back through <see cref="RemoteChunkPolicy.Deliver"/>).</summary>
public interface IChunkRequester
{
    /// <param name="window">The last n_obs_steps observations, oldest first; the last is tick <paramref name="timestep"/>'s.</param>
    void Request(long timestep, IReadOnlyList<EnvObservation> window);
}

/// <summary>Counters of a remote policy's queue, read by any thread.</summary>
/// <param name="LastPlanned">The last tick any merged chunk has an action for (-1: none yet).</param>
public sealed record RemotePolicyFigures(long Requests, long Chunks, long StaleChunks, long LateActions, long BlendedActions, long Holds, int Queued, long LastPlanned);

/// <summary>
/// LeRobot's async inference RobotClient, as plain code: the control thread takes the action for each tick from a
/// <see cref="TimedActionQueue"/>; when the actions left fall to <see cref="ChunkSizeThreshold"/> × the chunk length it
/// sends the present observation with the <see cref="ObservationSteps"/> - 1 before it (one request in flight, re-sent
/// after <see cref="RequestTimeoutTicks"/> without an answer), and chunks delivered from another thread are merged by
/// timestep at the start of the next tick. A tick with nothing queued returns null: the robot holds its last safe
/// goal and never replays or invents an action.
/// </summary>
/// <remarks>
/// The observation history (a policy's n_obs_steps) lives here, on the robot, filled every tick: requests go out only
/// when the queue runs low, so a server that kept it would see one observation per chunk, and one server serves many
/// robots. An episode's first ticks repeat its first observation, as LeRobot fills a policy's queues on reset.
/// </remarks>
public sealed class RemoteChunkPolicy(IChunkRequester requester, string name, double chunkSizeThreshold = 0.5, int requestTimeoutTicks = 30,
    int? maxObservationAgeTicks = null, int observationSteps = 1) : IRolloutPolicy
{
    private readonly Queue<EnvObservation> _history = new();
    private readonly ConcurrentQueue<TimedChunk> _inbox = new();
    private readonly TimedActionQueue _queue = new(maxObservationAgeTicks: maxObservationAgeTicks);
    private long _requestedAt = -1;
    private bool _inFlight;
    private int _chunkLength;
    private long _requests, _chunks, _stale, _late, _blended, _holds;
    private int _queued;
    private long _lastPlanned = -1;

    public string Name { get; } = name;
    public double ChunkSizeThreshold { get; } = chunkSizeThreshold is >= 0 and <= 1 ? chunkSizeThreshold
        : throw new ArgumentOutOfRangeException(nameof(chunkSizeThreshold), chunkSizeThreshold, "chunk_size_threshold is a fraction of the chunk, in [0, 1]");
    public int RequestTimeoutTicks { get; } = requestTimeoutTicks > 0 ? requestTimeoutTicks
        : throw new ArgumentOutOfRangeException(nameof(requestTimeoutTicks), requestTimeoutTicks, "a request timeout is at least one tick");
    public int ObservationSteps { get; } = observationSteps >= 1 ? observationSteps
        : throw new ArgumentOutOfRangeException(nameof(observationSteps), observationSteps, "n_obs_steps is at least 1");

    public RemotePolicyFigures Figures => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _chunks), Interlocked.Read(ref _stale),
        Interlocked.Read(ref _late), Interlocked.Read(ref _blended), Interlocked.Read(ref _holds), Volatile.Read(ref _queued), Interlocked.Read(ref _lastPlanned));

    /// <summary>A chunk from the policy (any thread); merged at the next tick.</summary>
    public void Deliver(TimedChunk chunk) => _inbox.Enqueue(chunk);

    public float[]? Act(long tick, EnvObservation observation, ControlPipeline? pipeline) => Next(tick, observation);

    /// <summary>The action for this tick, or null to hold; asks for the next chunk first when the queue runs low.</summary>
    public float[]? Next(long tick, EnvObservation observation)
    {
        while (_inbox.TryDequeue(out var chunk))
        {
            var merge = _queue.Merge(chunk, tick);
            Interlocked.Increment(ref _chunks);
            if (merge.Stale) Interlocked.Increment(ref _stale);
            else Interlocked.Exchange(ref _lastPlanned, Math.Max(_lastPlanned, chunk.LastTimestep));
            Interlocked.Add(ref _late, merge.Late);
            Interlocked.Add(ref _blended, merge.Blended);
            _chunkLength = Math.Max(_chunkLength, chunk.Actions.Count);
            if (chunk.Timestep == _requestedAt) _inFlight = false;
        }
        Remember(observation);
        var left = _queue.CountFrom(tick);
        var low = left <= ChunkSizeThreshold * _chunkLength; // before the first chunk: empty, so always low
        if (low && (!_inFlight || tick - _requestedAt >= RequestTimeoutTicks))
        {
            requester.Request(tick, Window());
            _requestedAt = tick;
            _inFlight = true;
            Interlocked.Increment(ref _requests);
        }
        var has = _queue.TryTake(tick, out var action);
        Volatile.Write(ref _queued, _queue.CountFrom(tick + 1));
        if (has) return action;
        Interlocked.Increment(ref _holds);
        return null;
    }

    private void Remember(EnvObservation observation)
    {
        if (_history.Count == 0)
            for (var i = 1; i < ObservationSteps; i++) _history.Enqueue(observation);
        _history.Enqueue(observation);
        while (_history.Count > ObservationSteps) _history.Dequeue();
    }

    private EnvObservation[] Window() => _history.ToArray();

    public void Reset()
    {
        _history.Clear();
        _queue.Clear();
        _inbox.Clear();
        _inFlight = false;
        _requestedAt = -1;
    }

    public void Dispose() { }
}
