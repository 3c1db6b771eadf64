using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

/// <summary>A small ring buffer of normalized transitions with explicit next observations.</summary>
public sealed class TransitionBuffer(int capacity, int obsDim, int actionDim, int seed)
{
    private readonly float[] _obs = new float[capacity * obsDim];
    private readonly float[] _next = new float[capacity * obsDim];
    private readonly float[] _actions = new float[capacity * actionDim];
    private readonly float[] _rewards = new float[capacity];
    private readonly float[] _dones = new float[capacity];
    private readonly Random _rng = new(seed);
    private int _position;

    public int Count { get; private set; }

    public void Add(float[] obs, float[] action, float reward, bool done, float[] next)
    {
        obs.CopyTo(_obs, _position * obsDim);
        next.CopyTo(_next, _position * obsDim);
        action.CopyTo(_actions, _position * actionDim);
        _rewards[_position] = reward;
        _dones[_position] = done ? 1 : 0;
        _position = (_position + 1) % capacity;
        Count = Math.Min(Count + 1, capacity);
    }

    public Dictionary<string, Tensor> Sample(int batchSize, string obsKey = PolicyKeys.ObservationState)
    {
        var o = new float[batchSize * obsDim];
        var n = new float[batchSize * obsDim];
        var a = new float[batchSize * actionDim];
        var r = new float[batchSize];
        var d = new float[batchSize];
        for (var i = 0; i < batchSize; i++)
        {
            var j = _rng.Next(Count);
            Array.Copy(_obs, j * obsDim, o, i * obsDim, obsDim);
            Array.Copy(_next, j * obsDim, n, i * obsDim, obsDim);
            Array.Copy(_actions, j * actionDim, a, i * actionDim, actionDim);
            r[i] = _rewards[j];
            d[i] = _dones[j];
        }
        return new Dictionary<string, Tensor>
        {
            [obsKey] = torch.tensor(o).reshape(batchSize, obsDim),
            [PolicyKeys.NextPrefix + obsKey] = torch.tensor(n).reshape(batchSize, obsDim),
            [PolicyKeys.Action] = torch.tensor(a).reshape(batchSize, actionDim),
            [PolicyKeys.Reward] = torch.tensor(r),
            [PolicyKeys.Done] = torch.tensor(d),
        };
    }
}
