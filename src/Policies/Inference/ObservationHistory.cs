using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Inference;

/// <summary>
/// The last n observations per key for policies that condition on a history (LeRobot's populate_queues):
/// the first observation after a reset fills every slot, later ones push the oldest out. Stacked, the
/// history is (B, n, ...) per key, oldest first, as the dataset's delta indices [1-n .. 0] give in training.
/// </summary>
public sealed class ObservationHistory(int steps, IEnumerable<string> keys) : IDisposable
{
    private readonly Dictionary<string, LinkedList<Tensor>> _queues =
        keys.ToDictionary(k => k, _ => new LinkedList<Tensor>(), StringComparer.Ordinal);

    public int Steps { get; } = steps > 0 ? steps : throw new ArgumentOutOfRangeException(nameof(steps), "n_obs_steps must be at least 1");

    public IReadOnlyCollection<string> Keys => _queues.Keys;

    public bool IsEmpty => _queues.Values.All(q => q.Count == 0);

    /// <summary>Adds the current observation of every tracked key present in the batch.</summary>
    public void Push(IReadOnlyDictionary<string, Tensor> batch)
    {
        foreach (var (key, queue) in _queues)
        {
            if (!batch.TryGetValue(key, out var value)) continue;
            var copies = queue.Count == 0 ? Steps : 1;
            for (var i = 0; i < copies; i++)
            {
                queue.AddLast(value.clone().DetachFromDisposeScope());
                if (queue.Count > Steps)
                {
                    queue.First!.Value.Dispose();
                    queue.RemoveFirst();
                }
            }
        }
    }

    /// <summary>The history of one key, (B, n, ...).</summary>
    public Tensor Stacked(string key) =>
        _queues.TryGetValue(key, out var q) && q.Count > 0
            ? torch.stack(q.ToArray(), dim: 1)
            : throw new InvalidOperationException($"no observations of '{key}' yet; push one first");

    public bool Has(string key) => _queues.TryGetValue(key, out var q) && q.Count > 0;

    public void Clear()
    {
        foreach (var q in _queues.Values)
        {
            foreach (var t in q) t.Dispose();
            q.Clear();
        }
    }

    public void Dispose() => Clear();
}
