using RobotActors.Actors.Protocol;
using RobotActors.Rl.Buffers;
using BufferObservation = RobotActors.Rl.Buffers.Observation;
using StepObservation = RobotActors.Actors.Protocol.Observation;

namespace RobotActors.Actors.Learner;

/// <summary>
/// Turns each robot's steps, in order, into the learner's transitions (contract §2): step t gives s, a, r, done,
/// truncated and the intervention flag; s' is step t+1's observation, or the step's own NextObservation when
/// it ends its episode. A step waits here until its successor arrives. Only the policy's input features are
/// kept, so every transition has the replay buffer's schema.
/// </summary>
/// <remarks>
/// An episode cut by `session stop` or `pause` ends with a truncated step that carries its s' (the control loop
/// takes the cut at the end of a tick, when it has the next observation), so it pairs like a time limit. A robot
/// node killed mid-episode (kill -9, a crash, a bus that fails for good) leaves nothing that could carry the last
/// step's s': the observation after it was never journaled, and the restarted node only marks the episode
/// interrupted. That step waits here until the robot's next step, which starts another episode, and is then
/// dropped and counted as unpaired — never paired with an unrelated observation. So is an episode end without a
/// next observation. Plain code, called by one owner at a time.
/// </remarks>
public sealed class StepPairing(IReadOnlyCollection<string> observationKeys)
{
    private readonly Dictionary<string, StepRecord> _waiting = new(StringComparer.Ordinal);

    /// <summary>Steps dropped because they had no next observation.</summary>
    public long UnpairedSteps { get; private set; }

    /// <summary>Steps waiting for their successor (one per robot at most).</summary>
    public int Waiting => _waiting.Count;

    /// <summary>The transitions the new steps complete, in order; a step whose observation lacks a policy input is refused with the reason.</summary>
    public List<Transition> Add(string producerId, IReadOnlyList<StepRecord> steps, Action<string>? refused = null)
    {
        var transitions = new List<Transition>(steps.Count);
        foreach (var step in steps)
        {
            if (_waiting.Remove(producerId, out var previous))
            {
                if (previous.Episode == step.Episode && step.Index == previous.Index + 1) Emit(producerId, previous, step.Observation, transitions, refused);
                else UnpairedSteps++;
            }
            if (step.Done || step.Truncated)
            {
                if (step.NextObservation is { } next) Emit(producerId, step, next, transitions, refused);
                else UnpairedSteps++;
            }
            else _waiting[producerId] = step;
        }
        return transitions;
    }

    private void Emit(string producerId, StepRecord step, StepObservation next, List<Transition> into, Action<string>? refused)
    {
        var s = Keep(step.Observation);
        var s2 = Keep(next);
        if (s is null || s2 is null)
        {
            UnpairedSteps++;
            var missing = observationKeys.Where(k => !step.Observation.State.ContainsKey(k) && !step.Observation.Images.ContainsKey(k)
                                                    || !next.State.ContainsKey(k) && !next.Images.ContainsKey(k));
            refused?.Invoke($"learner: step {step.Index} of episode {step.Episode} from {producerId} lacks the policy input(s) {string.Join(", ", missing)}; " +
                            "the robot's env processors must produce every policy.input_features key");
            return;
        }
        into.Add(new Transition(s, step.Action, step.Reward, step.Done, step.Truncated, s2, step.DiscretePenalty, step.Intervention));
    }

    private BufferObservation? Keep(StepObservation o)
    {
        var states = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var images = new Dictionary<string, RobotActors.Datasets.Images.ImageFrame>(StringComparer.Ordinal);
        foreach (var key in observationKeys)
        {
            if (o.State.TryGetValue(key, out var v)) states[key] = v;
            else if (o.Images.TryGetValue(key, out var frame)) images[key] = frame;
            else return null;
        }
        return new BufferObservation(states, images);
    }
}
