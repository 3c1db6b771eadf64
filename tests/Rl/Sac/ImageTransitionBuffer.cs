using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

/// <summary>
/// A ring buffer of raw camera transitions: frames kept as uint8 CHW (a quarter of the memory of floats),
/// states and actions as floats. A sampled batch goes through the policy's preprocessor, so the learner
/// sees exactly what <see cref="SacPolicy.SelectAction"/> saw.
/// </summary>
public sealed class ImageTransitionBuffer
{
    private readonly string _camera;
    private readonly Tensor _frames, _nextFrames, _states, _nextStates, _actions, _rewards, _dones;
    private readonly Random _rng;
    private int _position;

    public ImageTransitionBuffer(int capacity, string camera, long[] frameShape, int stateDim, int actionDim, int seed)
    {
        _camera = camera;
        _frames = torch.zeros([capacity, .. frameShape], uint8);
        _nextFrames = torch.zeros([capacity, .. frameShape], uint8);
        _states = torch.zeros(capacity, stateDim);
        _nextStates = torch.zeros(capacity, stateDim);
        _actions = torch.zeros(capacity, actionDim);
        _rewards = torch.zeros(capacity);
        _dones = torch.zeros(capacity);
        _rng = new Random(seed);
    }

    public int Count { get; private set; }
    private long Capacity => _frames.shape[0];

    /// <summary>Stores one transition; the action is the normalized one the policy produced.</summary>
    public void Add(byte[] frame, float[] state, float[] action, float reward, bool done, byte[] nextFrame, float[] nextState)
    {
        using var scope = torch.NewDisposeScope();
        var i = _position;
        _frames[i].copy_(torch.tensor(frame).reshape(_frames[i].shape));
        _nextFrames[i].copy_(torch.tensor(nextFrame).reshape(_frames[i].shape));
        _states[i].copy_(torch.tensor(state));
        _nextStates[i].copy_(torch.tensor(nextState));
        _actions[i].copy_(torch.tensor(action));
        _rewards[i] = reward;
        _dones[i] = done ? 1f : 0f;
        _position = (int)((_position + 1) % Capacity);
        Count = (int)Math.Min(Count + 1, Capacity);
    }

    public SacBatch Sample(int batchSize, ProcessorPipeline preprocessor)
    {
        var index = torch.tensor(Enumerable.Range(0, batchSize).Select(_ => (long)_rng.Next(Count)).ToArray());
        Dictionary<string, Tensor> Observation(Tensor frames, Tensor states) => preprocessor.ProcessObservation(new Dictionary<string, Tensor>
        {
            [_camera] = frames.index_select(0, index).to(float32).div_(255f),
            [PolicyKeys.ObservationState] = states.index_select(0, index),
        });
        return new SacBatch(Observation(_frames, _states), _actions.index_select(0, index), _rewards.index_select(0, index),
            _dones.index_select(0, index), Observation(_nextFrames, _nextStates));
    }
}
