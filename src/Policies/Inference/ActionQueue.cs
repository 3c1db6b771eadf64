using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Inference;

/// <summary>
/// The actions a chunking policy has predicted but not yet executed (LeRobot's deque(maxlen=n_action_steps)
/// of (B, action_dim) tensors). <see cref="Extend"/> appends a chunk's steps, dropping the oldest beyond
/// the capacity as a bounded deque does; <see cref="Pop"/> hands out the next one. Queued tensors live
/// outside any dispose scope; a popped tensor belongs to the caller.
/// </summary>
public sealed class ActionQueue(int capacity) : IDisposable
{
    private readonly LinkedList<Tensor> _actions = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "an action queue holds at least one action");

    public int Count => _actions.Count;

    public bool IsEmpty => _actions.Count == 0;

    /// <summary>Appends every step of a (B, n, action_dim) chunk.</summary>
    public void Extend(Tensor chunk)
    {
        if (chunk.dim() != 3)
            throw new ArgumentException($"an action chunk is (batch, steps, action_dim), got shape [{string.Join(", ", chunk.shape)}]");
        for (var i = 0; i < chunk.shape[1]; i++)
        {
            _actions.AddLast(chunk[.., i].clone().DetachFromDisposeScope());
            if (_actions.Count > Capacity)
            {
                _actions.First!.Value.Dispose();
                _actions.RemoveFirst();
            }
        }
    }

    /// <summary>The next action, (B, action_dim).</summary>
    public Tensor Pop()
    {
        var first = _actions.First ?? throw new InvalidOperationException("the action queue is empty; predict a chunk first");
        _actions.RemoveFirst();
        return first.Value;
    }

    /// <summary>The queued actions without removing them, (B, Count, action_dim); null when empty.</summary>
    public Tensor? Peek() => IsEmpty ? null : torch.stack(_actions.ToArray(), dim: 1);

    public void Clear()
    {
        foreach (var t in _actions) t.Dispose();
        _actions.Clear();
    }

    public void Dispose() => Clear();
}
