using RobotActors.Actors.Protocol;
using RobotActors.Policies.Configs;

namespace RobotActors.Actors.Inference;

// Async inference as the cluster does it (LeRobot's PolicyServer / RobotClient without gRPC and pickle): a robot's
// control loop sends its observation to a policy server on another node and gets an action chunk back. Everything
// here crosses nodes through the binary serializer (ra.inference.*.v1): state as floats, frames as uint8 bytes.

/// <summary>What policy a server runs, so the robot can check the policy's inputs against its env before it moves.</summary>
public sealed class GetPolicyServerInfo : IProtocolMessage
{
    public static readonly GetPolicyServerInfo Instance = new();
    private GetPolicyServerInfo() { }
}

/// <param name="Failure">Why the server has no policy (its checkpoint did not load); null when it serves one.</param>
/// <param name="ObservationSteps">The policy's n_obs_steps: how many ticks of observations each request carries.</param>
public sealed record PolicyServerInfo(string PolicyType, string Path, IReadOnlyDictionary<string, PolicyFeature> InputFeatures, int ActionDim,
    int ChunkSize, string? Failure, int ObservationSteps = 1) : IProtocolMessage;

/// <summary>
/// The observations of ticks <paramref name="Timestep"/> - n + 1 … <paramref name="Timestep"/> of a robot's control loop
/// (oldest first; n is the policy's n_obs_steps, and an episode's first ticks repeat its first observation); the server
/// answers with the chunk it predicts from them. The robot keeps the history, so the server keeps no per-robot state.
/// <paramref name="ActionsPerChunk"/>: how many of the chunk's actions to send (0: all; LeRobot's actions_per_chunk).
/// </summary>
public sealed record InferenceRequest(string ClientId, long Timestep, IReadOnlyList<Observation> Window, string? Task, int ActionsPerChunk) : IProtocolMessage;

/// <summary>
/// The actions for ticks <paramref name="Timestep"/>, <paramref name="Timestep"/> + 1, …, row-major
/// (steps × <paramref name="ActionDim"/>), in the robot's action units (after the policy's postprocessor).
/// </summary>
public sealed record ActionChunkReply(string ClientId, long Timestep, int ActionDim, float[] Actions, double InferenceMs) : IProtocolMessage
{
    public int Steps => ActionDim == 0 ? 0 : Actions.Length / ActionDim;
}

/// <summary>The server could not answer this observation (a missing input, a failing model): the robot keeps its queue and holds when it is empty.</summary>
public sealed record InferenceFailed(string ClientId, long Timestep, string Reason) : IProtocolMessage;
