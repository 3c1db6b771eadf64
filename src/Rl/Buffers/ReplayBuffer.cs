using RobotActors.Datasets.Images;
using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Buffers;

/// <summary>
/// LeRobot's ReplayBuffer, with its known faults fixed (§5, §12):
/// <list type="bullet">
/// <item>A ring of <see cref="Capacity"/> transitions, storage allocated on the first <see cref="Add"/> from its shapes.</item>
/// <item>Camera frames stored once, as uint8 C×H×W (never float). A transition's next frames are the following
///   slot's frames when the next transition starts from them (checked byte for byte when it is added); otherwise —
///   at every episode end, a truncation included, and for the newest transition — they are stored explicitly.
///   There is no "(i + 1) % capacity" guess: a truncated step bootstraps from its true next observation and the
///   newest transition never borrows the oldest one's frames across the ring's seam. State vectors are small
///   and kept for both observations.</item>
/// <item><c>done</c> (terminated) and <c>truncated</c> kept apart; the gripper penalty and intervention flag kept
///   (LeRobot's complementary_info).</item>
/// <item>Uniform sampling with replacement from a seeded generator whose state can be saved and restored, and
///   DrQ's random shift (pad 4, replicate) applied to every camera of the observation and of the next
///   observation independently, per image, when sampling.</item>
/// <item>A transition with a non-finite number is refused (<see cref="InvalidTransitionException"/>), not stored.</item>
/// </list>
/// Threading contract: one writer and one sampler, which may be two threads (the learner's ingest thread adds
/// while its training thread samples, so a step reaches the buffer while an update runs). A lock makes an
/// <see cref="Add"/> and the gathering part of a <see cref="Sample"/> exclude each other (LeRobot #2309 is an add
/// racing an async prefetch): the sample copies the drawn rows out of the ring as uint8 and floats while it holds
/// it, and does the DrQ shift and the conversion to float after, without it. Two samplers at once would share the
/// sampler's generator, so a second concurrent Sample throws instead of drawing a batch nobody can reproduce.
/// </summary>
public sealed class ReplayBuffer
{
    private readonly SeededRandom _random;
    // Held by Add and by a sample's gathering of copies (and by readers of the storage); never for DrQ or float work.
    private readonly Lock _gate = new();
    private int _sampling;

    // Schema, fixed by the first transition.
    private Dictionary<string, int>? _stateDims;
    private Dictionary<string, (int H, int W, int C)>? _imageShapes;
    private int _actionDim;

    // Storage.
    private readonly Dictionary<string, Tensor> _frames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _nextStates = new(StringComparer.Ordinal);
    private float[] _actions = [];
    private float[] _rewards = [];
    private bool[] _dones = [];
    private bool[] _truncateds = [];
    private float[] _penalties = [];
    private bool[] _interventions = [];
    private bool[] _nextLinked = [];
    // Next frames stored apart, as H×W×C bytes: episode ends (by slot), and the newest transition's until the next Add.
    private readonly Dictionary<int, Dictionary<string, byte[]>> _explicitNext = new();
    private Dictionary<string, byte[]>? _pendingNext;
    private Dictionary<string, byte[]>? _spareNext;
    private int _position;

    public ReplayBuffer(int capacity, int seed = 0, bool useDrq = true, int drqPad = DrqShift.DefaultPad)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a replay buffer holds at least one transition");
        Capacity = capacity;
        _random = new SeededRandom(seed);
        UseDrq = useDrq;
        DrqPad = drqPad;
    }

    public int Capacity { get; }
    public int Count { get; private set; }

    /// <summary>Transitions ever added (those beyond capacity have been overwritten, oldest first).</summary>
    public long TotalAdded { get; private set; }

    public bool UseDrq { get; }
    public int DrqPad { get; }

    /// <summary>The sampler's state (sampling and DrQ offsets); a checkpoint saves it so a resumed learner draws the same batches.</summary>
    public ulong RandomState
    {
        get => _random.State;
        set => _random.State = value;
    }

    public IReadOnlyCollection<string> StateKeys => _stateDims?.Keys ?? (IReadOnlyCollection<string>)[];
    public IReadOnlyCollection<string> ImageKeys => _imageShapes?.Keys ?? (IReadOnlyCollection<string>)[];

    /// <summary>The element type camera frames are stored in (uint8), null before the first transition or without cameras.</summary>
    public ScalarType? FrameDType => _frames.Values.FirstOrDefault()?.dtype;

    /// <summary>Camera frames stored outside the ring: explicit next observations at episode ends and the newest one's.</summary>
    public int ExplicitNextFrames
    {
        get { lock (_gate) return _explicitNext.Count + (_pendingNext is null ? 0 : 1); }
    }

    /// <summary>Adds a transition after the newest; when full, it replaces the oldest.</summary>
    public void Add(Transition transition)
    {
        lock (_gate) AddLocked(transition);
    }

    private void AddLocked(Transition transition)
    {
        if (transition.FindNonFinite() is { } problem)
            throw new InvalidTransitionException($"transition refused: {problem}; it was not stored");
        if (_stateDims is null) Allocate(transition);
        else CheckShapes(transition);

        var slot = _position;
        // The previous newest transition's next frames: the ring's next slot if this one starts from them.
        if (_pendingNext is not null && Count > 0 && Capacity > 1)
        {
            var previous = (slot - 1 + Capacity) % Capacity;
            var same = _pendingNext.All(kv => kv.Value.AsSpan().SequenceEqual(transition.Observation.Images[kv.Key].Pixels));
            if (same)
            {
                _nextLinked[previous] = true;
                _spareNext = _pendingNext;
            }
            else _explicitNext[previous] = _pendingNext;
        }
        _pendingNext = null;
        _explicitNext.Remove(slot);
        _nextLinked[slot] = false;

        foreach (var (key, (h, w, c)) in _imageShapes!)
        {
            using var hwc = torch.tensor(transition.Observation.Images[key].Pixels, [h, w, c]);
            using var target = _frames[key][slot];
            target.copy_(hwc.permute(2, 0, 1));
        }
        foreach (var (key, dim) in _stateDims!)
        {
            transition.Observation.States[key].CopyTo(_states[key], slot * dim);
            transition.NextObservation.States[key].CopyTo(_nextStates[key], slot * dim);
        }
        transition.Action.CopyTo(_actions, slot * _actionDim);
        _rewards[slot] = transition.Reward;
        _dones[slot] = transition.Done;
        _truncateds[slot] = transition.Truncated;
        _penalties[slot] = transition.DiscretePenalty;
        _interventions[slot] = transition.IsIntervention;
        if (_imageShapes!.Count > 0)
        {
            // A copy (the caller may reuse its arrays), into the arrays of the last linked one when there are.
            var pending = _spareNext ?? new Dictionary<string, byte[]>(StringComparer.Ordinal);
            _spareNext = null;
            foreach (var (key, frame) in transition.NextObservation.Images)
            {
                if (!pending.TryGetValue(key, out var bytes) || bytes.Length != frame.Pixels.Length) pending[key] = bytes = new byte[frame.Pixels.Length];
                frame.Pixels.CopyTo(bytes, 0);
            }
            _pendingNext = pending;
        }

        _position = (slot + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
        TotalAdded++;
    }

    private void Allocate(Transition t)
    {
        _stateDims = t.Observation.States.ToDictionary(kv => kv.Key, kv => kv.Value.Length, StringComparer.Ordinal);
        _imageShapes = t.Observation.Images.ToDictionary(kv => kv.Key, kv => (kv.Value.Height, kv.Value.Width, kv.Value.Channels), StringComparer.Ordinal);
        _actionDim = t.Action.Length;
        try
        {
            CheckShapes(t);
        }
        catch
        {
            _stateDims = null;
            _imageShapes = null;
            throw;
        }
        foreach (var (key, (h, w, c)) in _imageShapes)
            _frames[key] = torch.empty([Capacity, c, h, w], uint8);
        foreach (var (key, dim) in _stateDims)
        {
            _states[key] = new float[Capacity * dim];
            _nextStates[key] = new float[Capacity * dim];
        }
        _actions = new float[Capacity * _actionDim];
        _rewards = new float[Capacity];
        _dones = new bool[Capacity];
        _truncateds = new bool[Capacity];
        _penalties = new float[Capacity];
        _interventions = new bool[Capacity];
        _nextLinked = new bool[Capacity];
    }

    private void CheckShapes(Transition t)
    {
        void Same(string what, IEnumerable<string> keys)
        {
            IEnumerable<string> expected = what == "state" ? _stateDims!.Keys : _imageShapes!.Keys;
            if (!keys.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal), StringComparer.Ordinal))
                throw new InvalidTransitionException($"transition refused: its {what} keys are [{string.Join(", ", keys.Order())}] but the buffer holds [{string.Join(", ", expected.Order())}]");
        }
        foreach (var (name, observation) in new[] { ("observation", t.Observation), ("next observation", t.NextObservation) })
        {
            Same("state", observation.States.Keys);
            Same("image", observation.Images.Keys);
            foreach (var (key, values) in observation.States)
                if (values.Length != _stateDims![key])
                    throw new InvalidTransitionException($"transition refused: {name} '{key}' has {values.Length} values but the buffer holds {_stateDims[key]}");
            foreach (var (key, frame) in observation.Images)
                if ((frame.Height, frame.Width, frame.Channels) != _imageShapes![key])
                    throw new InvalidTransitionException($"transition refused: {name} camera '{key}' is {frame.Height}×{frame.Width}×{frame.Channels} but the buffer holds {_imageShapes[key].H}×{_imageShapes[key].W}×{_imageShapes[key].C}");
        }
        if (t.Action.Length != _actionDim)
            throw new InvalidTransitionException($"transition refused: its action has {t.Action.Length} values but the buffer holds {_actionDim}");
    }

    /// <summary>Ring slot of the i-th oldest stored transition.</summary>
    private int Slot(int i) => Count < Capacity ? i : (_position + i) % Capacity;

    private int NewestSlot => (_position - 1 + Capacity) % Capacity;

    /// <summary>
    /// A batch of <paramref name="batchSize"/> transitions drawn uniformly with replacement, as tensors keyed
    /// as LeRobot's RL batches: observation keys and "next.observation.*" (cameras float C×H×W in [0, 1],
    /// DrQ-shifted when enabled), "action", "next.reward", "next.done", "next.truncated",
    /// "complementary_info.discrete_penalty" and "complementary_info.is_intervention" (0 or 1). Values are in
    /// the robot's units; the trainer normalizes them.
    /// </summary>
    public Dictionary<string, Tensor> Sample(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch holds at least one transition");
        using var _ = EnterSampling();
        Dictionary<string, Tensor> batch;
        lock (_gate)
        {
            if (Count == 0) throw new InvalidOperationException("cannot sample from an empty replay buffer");
            var slots = new int[batchSize];
            for (var i = 0; i < batchSize; i++) slots[i] = _random.NextInt(Count);
            batch = Gather(slots);
        }
        // The frames are copies now: the shift and the conversion run while transitions go on being added.
        foreach (var key in _imageShapes!.Keys)
        {
            batch[key] = ToFloat(batch[key], UseDrq);
            batch[PolicyKeys.NextPrefix + key] = ToFloat(batch[PolicyKeys.NextPrefix + key], UseDrq);
        }
        return batch;
    }

    // In the order the generator was always drawn from (per camera: observation, then next observation), so seeded batches are unchanged.
    private Tensor ToFloat(Tensor frames, bool drq)
    {
        using var scope = torch.NewDisposeScope();
        var shifted = drq ? DrqShift.Apply(frames, _random, DrqPad) : frames;
        var result = shifted.to(float32).div_(255f).MoveToOuterDisposeScope();
        frames.Dispose();
        return result;
    }

    /// <summary>An endless sequence of batches (LeRobot's get_iterator without prefetch: the owner draws them on its own thread).</summary>
    public IEnumerator<Dictionary<string, Tensor>> Iterator(int batchSize)
    {
        while (true) yield return Sample(batchSize);
    }

    /// <summary>The drawn rows copied out of the ring: frames still uint8 C×H×W (the caller shifts and converts them).</summary>
    private Dictionary<string, Tensor> Gather(int[] slots)
    {
        var batch = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (var scope = torch.NewDisposeScope())
        {
            var index = torch.tensor(slots.Select(s => (long)s).ToArray());
            foreach (var (key, storage) in _frames)
            {
                batch[key] = storage.index_select(0, index).MoveToOuterDisposeScope();
                batch[PolicyKeys.NextPrefix + key] = NextFrames(key, storage, slots).MoveToOuterDisposeScope();
            }
        }
        foreach (var (key, dim) in _stateDims!)
        {
            batch[key] = Rows(_states[key], dim, slots);
            batch[PolicyKeys.NextPrefix + key] = Rows(_nextStates[key], dim, slots);
        }
        batch[PolicyKeys.Action] = Rows(_actions, _actionDim, slots);
        batch[PolicyKeys.Reward] = torch.tensor(slots.Select(s => _rewards[s]).ToArray());
        batch[PolicyKeys.Done] = torch.tensor(slots.Select(s => _dones[s] ? 1f : 0f).ToArray());
        batch[PolicyKeys.Truncated] = torch.tensor(slots.Select(s => _truncateds[s] ? 1f : 0f).ToArray());
        batch[Transition.DiscretePenaltyKey] = torch.tensor(slots.Select(s => _penalties[s]).ToArray());
        batch[Transition.IsInterventionKey] = torch.tensor(slots.Select(s => _interventions[s] ? 1f : 0f).ToArray());
        return batch;
    }

    // The following slot's frames where linked; the explicit (or still pending) frames elsewhere.
    private Tensor NextFrames(string key, Tensor storage, int[] slots)
    {
        var following = slots.Select(s => (long)(_nextLinked[s] ? (s + 1) % Capacity : s)).ToArray();
        var next = storage.index_select(0, torch.tensor(following));
        var (h, w, c) = _imageShapes![key];
        for (var row = 0; row < slots.Length; row++)
        {
            if (_nextLinked[slots[row]]) continue;
            using var hwc = torch.tensor(ExplicitNext(slots[row])[key], [h, w, c]);
            using var target = next[row];
            target.copy_(hwc.permute(2, 0, 1));
        }
        return next;
    }

    private Dictionary<string, byte[]> ExplicitNext(int slot) =>
        _explicitNext.TryGetValue(slot, out var frames) ? frames
        : slot == NewestSlot && _pendingNext is not null ? _pendingNext
        : throw new InvalidOperationException($"replay buffer slot {slot} has no next frames; this is a bug");

    private static Tensor Rows(float[] data, int dim, int[] slots)
    {
        var rows = new float[slots.Length * dim];
        for (var i = 0; i < slots.Length; i++) Array.Copy(data, slots[i] * dim, rows, i * dim, dim);
        return torch.tensor(rows).reshape(slots.Length, dim);
    }

    /// <summary>The i-th oldest stored transition as plain data (export, tests, inspection).</summary>
    public Transition Get(int i)
    {
        using var _ = _gate.EnterScope();
        if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(i), i, $"the buffer holds {Count} transitions");
        var slot = Slot(i);
        Observation Read(bool next)
        {
            var images = new Dictionary<string, ImageFrame>(StringComparer.Ordinal);
            foreach (var (key, (h, w, c)) in _imageShapes!)
            {
                if (next && !_nextLinked[slot]) images[key] = new ImageFrame(h, w, c, (byte[])ExplicitNext(slot)[key].Clone());
                else
                {
                    using var frame = _frames[key][next ? (slot + 1) % Capacity : slot].permute(1, 2, 0).contiguous();
                    images[key] = new ImageFrame(h, w, c, frame.bytes.ToArray());
                }
            }
            var states = _stateDims!.ToDictionary(kv => kv.Key, kv => (next ? _nextStates : _states)[kv.Key].AsSpan(slot * kv.Value, kv.Value).ToArray(), StringComparer.Ordinal);
            return new Observation(states, images);
        }
        return new Transition(Read(next: false), _actions.AsSpan(slot * _actionDim, _actionDim).ToArray(), _rewards[slot], _dones[slot],
            _truncateds[slot], Read(next: true), _penalties[slot], _interventions[slot]);
    }

    /// <summary>The stored transitions, oldest first.</summary>
    public IEnumerable<Transition> Transitions()
    {
        for (var i = 0; i < Count; i++) yield return Get(i);
    }

    /// <summary>Bytes the stored transitions occupy: frames (ring and explicit), states, actions, scalars.</summary>
    public long UsedBytes
    {
        get
        {
            using var _ = _gate.EnterScope();
            if (_stateDims is null) return 0;
            long frameBytes = _imageShapes!.Values.Sum(s => (long)s.H * s.W * s.C);
            long perSlot = frameBytes + 4L * (2 * _stateDims.Values.Sum() + _actionDim + 2) + 4;
            var explicitBytes = _explicitNext.Values.Sum(f => f.Values.Sum(b => (long)b.Length)) + (_pendingNext?.Values.Sum(b => (long)b.Length) ?? 0);
            return Count * perSlot + explicitBytes;
        }
    }

    /// <summary><see cref="UsedBytes"/> per stored transition.</summary>
    public double BytesPerTransition => Count == 0 ? 0 : (double)UsedBytes / Count;

    private Guard EnterSampling()
    {
        if (Interlocked.Exchange(ref _sampling, 1) != 0)
            throw new InvalidOperationException("the replay buffer was sampled from two threads at once; one sampler (the learner's training thread) draws its batches");
        return new Guard(this);
    }

    private readonly struct Guard(ReplayBuffer buffer) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref buffer._sampling, 0);
    }
}
