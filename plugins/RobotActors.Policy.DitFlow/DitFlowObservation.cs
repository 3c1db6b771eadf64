using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policy.DitFlow;

/// <summary>
/// n_obs_steps observations, oldest first: the state (B, T, S), each camera (B, T, C, H, W) in input_features order,
/// the environment state (B, T, E); the ones the policy does not use are null / empty.
/// </summary>
public sealed record DitFlowObservation(Tensor? State, IReadOnlyList<Tensor> Cameras, Tensor? EnvState)
{
    public long BatchSize => (State ?? EnvState ?? Cameras[0]).shape[0];

    public long Steps => (State ?? EnvState ?? Cameras[0]).shape[1];

    public Device Device => (State ?? EnvState ?? Cameras[0]).device;
}
