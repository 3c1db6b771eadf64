namespace RobotActors.Datasets.Reading;

/// <summary>A small thread-safe LRU: each value is built once even when several workers ask at the same time.</summary>
internal sealed class FileCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly object _gate = new();
    private readonly LinkedList<(TKey Key, Lazy<TValue> Value)> _order = new();
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, Lazy<TValue> Value)>> _map = [];

    public TValue Get(TKey key, Func<TValue> load)
    {
        Lazy<TValue> lazy;
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                lazy = node.Value.Value;
            }
            else
            {
                lazy = new Lazy<TValue>(load, LazyThreadSafetyMode.ExecutionAndPublication);
                _map[key] = _order.AddFirst((key, lazy));
                while (_order.Count > capacity)
                {
                    _map.Remove(_order.Last!.Value.Key);
                    _order.RemoveLast();
                }
            }
        }
        try
        {
            return lazy.Value;
        }
        catch
        {
            lock (_gate)
            {
                if (_map.TryGetValue(key, out var n) && n.Value.Value == lazy)
                {
                    _order.Remove(n);
                    _map.Remove(key);
                }
            }
            throw;
        }
    }
}
