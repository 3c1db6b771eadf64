using RobotActors.Datasets.Images;

namespace RobotActors.Actors.Protocol;

// One control step as plain data: what the robot saw, what it did, and what came of it. The session journals
// it, the transition feed carries it to the learner, and the dataset export writes it as a LeRobot frame.
// A transition (s, a, r, s', done, truncated) is two consecutive steps of one episode: the next step's
// observation is s'. The last step of an episode carries s' itself (NextObservation), as LeRobot's replay
// buffer needs an explicit next observation at episode ends.

/// <summary>
/// An observation by LeRobot's feature keys: state vectors ("observation.state",
/// "observation.environment_state") and camera images ("observation.images.front") as HWC uint8, never float.
/// </summary>
public sealed record Observation(IReadOnlyDictionary<string, float[]> State, IReadOnlyDictionary<string, ImageFrame> Images)
{
    public static readonly Observation Empty = new(new Dictionary<string, float[]>(), new Dictionary<string, ImageFrame>());

    public long ByteCount => State.Values.Sum(v => (long)v.Length * sizeof(float)) + Images.Values.Sum(i => (long)i.Pixels.Length);

    /// <summary>True when every state value is a finite number.</summary>
    public bool IsFinite => State.Values.All(v => Array.TrueForAll(v, float.IsFinite));
}

/// <summary>
/// One step of an episode: observation s_t, the executed action a_t (the operator's while intervening,
/// else the policy's), the reward, done and truncated kept apart, the intervention flag, the discrete
/// (gripper) penalty, the policy version that acted, and the tick's time.
/// </summary>
/// <param name="Episode">The robot's episode number (counts across sessions).</param>
/// <param name="Index">The step's index in its episode, from 0.</param>
/// <param name="NextObservation">s_{t+1}, only on an episode's last step (done or truncated).</param>
public sealed record StepRecord(
    int Episode, int Index, Observation Observation, float[] Action, float Reward, bool Done, bool Truncated,
    bool Intervention, float DiscretePenalty, long PolicyVersion, DateTimeOffset TickTime, Observation? NextObservation = null)
{
    public long ByteCount => Observation.ByteCount + (NextObservation?.ByteCount ?? 0) + Action.Length * sizeof(float) + 64;
}
