namespace RobotActors.Policies.Inference;

/// <summary>
/// An action chunk computed by a policy elsewhere (LeRobot's TimedAction list): <see cref="Actions"/>[i] is the
/// action for control tick <see cref="Timestep"/> + i, where <see cref="Timestep"/> is the tick whose observation
/// the policy saw. The timestep is what lets the robot tell a fresh chunk from a late one.
/// </summary>
public sealed record TimedChunk(long Timestep, IReadOnlyList<float[]> Actions)
{
    public long LastTimestep => Timestep + Actions.Count - 1;
}

/// <summary>What merging one chunk did.</summary>
/// <param name="Added">Actions for ticks the queue held nothing for.</param>
/// <param name="Blended">Actions for ticks already queued, averaged with the queued one.</param>
/// <param name="Late">Actions for ticks already executed (the inference latency), dropped.</param>
/// <param name="Stale">The whole chunk was dropped: computed from too old an observation, or for ticks all in the past.</param>
public readonly record struct ChunkMerge(int Added, int Blended, int Late, bool Stale);

/// <summary>
/// The robot side's queue of actions by control tick, for a policy that answers asynchronously (LeRobot's async
/// RobotClient queue). Chunks overlap: the next one is asked for while the current one still has actions left,
/// so an arriving chunk's early steps fall on ticks already queued; those are averaged with what is queued
/// (LeRobot's weighted_average aggregate: <see cref="OldWeight"/> old, the rest new), its later steps extend the queue,
/// and steps for ticks already executed are dropped. A chunk computed from an observation more than
/// <see cref="MaxObservationAgeTicks"/> ticks before the tick it arrives at is dropped whole: its actions answer a
/// scene that has moved on. Nothing here ever repeats an action: a tick with no queued action gets none
/// (<see cref="TryTake"/> false), and the caller holds the arm. Not thread-safe: one control thread owns it.
/// </summary>
public sealed class TimedActionQueue
{
    private readonly SortedDictionary<long, float[]> _actions = new();

    /// <param name="oldWeight">Weight of the queued action when a new chunk overlaps it, in [0, 1] (LeRobot: 0.3).</param>
    /// <param name="maxObservationAgeTicks">Oldest observation (in ticks before now) a merged chunk may come from; null: no limit beyond its own length.</param>
    public TimedActionQueue(double oldWeight = 0.3, int? maxObservationAgeTicks = null)
    {
        if (oldWeight is < 0 or > 1 || double.IsNaN(oldWeight))
            throw new ArgumentOutOfRangeException(nameof(oldWeight), oldWeight, "the weight of the queued action is in [0, 1]");
        if (maxObservationAgeTicks is < 0)
            throw new ArgumentOutOfRangeException(nameof(maxObservationAgeTicks), maxObservationAgeTicks, "an age in ticks is at least 0");
        OldWeight = oldWeight;
        MaxObservationAgeTicks = maxObservationAgeTicks;
    }

    public double OldWeight { get; }
    public int? MaxObservationAgeTicks { get; }

    /// <summary>Actions queued for ticks from <paramref name="now"/> on.</summary>
    public int CountFrom(long now) => _actions.Keys.Count(t => t >= now);

    public int Count => _actions.Count;

    /// <summary>The tick after the last queued action (where a new chunk would start to extend the queue); null when empty.</summary>
    public long? End => _actions.Count == 0 ? null : _actions.Keys.Max() + 1;

    /// <summary>Merges a chunk that arrived at tick <paramref name="now"/> (the next tick to execute).</summary>
    public ChunkMerge Merge(TimedChunk chunk, long now)
    {
        if (chunk.LastTimestep < now || (MaxObservationAgeTicks is { } age && now - chunk.Timestep > age))
            return new ChunkMerge(0, 0, chunk.Actions.Count, Stale: true);
        int added = 0, blended = 0, late = 0;
        for (var i = 0; i < chunk.Actions.Count; i++)
        {
            var tick = chunk.Timestep + i;
            var action = chunk.Actions[i];
            if (tick < now)
            {
                late++;
                continue;
            }
            if (_actions.TryGetValue(tick, out var queued))
            {
                if (queued.Length != action.Length)
                    throw new ArgumentException($"a chunk's action for tick {tick} has {action.Length} values where the queued one has {queued.Length}");
                var mixed = new float[action.Length];
                for (var j = 0; j < mixed.Length; j++) mixed[j] = (float)(OldWeight * queued[j] + (1 - OldWeight) * action[j]);
                _actions[tick] = mixed;
                blended++;
            }
            else
            {
                _actions[tick] = (float[])action.Clone();
                added++;
            }
        }
        return new ChunkMerge(added, blended, late, Stale: false);
    }

    /// <summary>
    /// The action for tick <paramref name="now"/>, removed with every older one (ticks that passed without being
    /// taken are never executed late); false when none is queued for it: hold.
    /// </summary>
    public bool TryTake(long now, out float[] action)
    {
        while (_actions.Count > 0)
        {
            var first = _actions.Keys.First();
            if (first > now) break;
            var value = _actions[first];
            _actions.Remove(first);
            if (first == now)
            {
                action = value;
                return true;
            }
        }
        action = [];
        return false;
    }

    public void Clear() => _actions.Clear();
}
