using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Env;

/// <summary>Scalar and flag access to a transition, so steps need not handle the tensors LeRobot keeps there.</summary>
public static class TransitionValues
{
    public static double RewardValue(this EnvTransition t) => t.Reward is null ? 0 : t.Reward.to(ScalarType.Float64).item<double>();
    public static bool IsDone(this EnvTransition t) => t.Done is not null && t.Done.to(ScalarType.Bool).item<bool>();
    public static bool IsTruncated(this EnvTransition t) => t.Truncated is not null && t.Truncated.to(ScalarType.Bool).item<bool>();

    public static void SetReward(this EnvTransition t, double reward) => t.Reward = torch.tensor((float)reward);
    public static void SetDone(this EnvTransition t, bool done) => t.Done = torch.tensor(done);
    public static void SetTruncated(this EnvTransition t, bool truncated) => t.Truncated = torch.tensor(truncated);

    public static bool Flag(this EnvTransition t, string infoKey) => t.Info.TryGetValue(infoKey, out var v) && v is true;

    /// <summary>The raw joint positions of the reading this transition was made from ("shoulder_pan.pos" → degrees).</summary>
    public static IReadOnlyDictionary<string, double> RawJoints(this EnvTransition t, string step) =>
        t.ComplementaryData.TryGetValue(HilKeys.RawJointPositions, out var v) && v is IReadOnlyDictionary<string, double> joints ? joints
            : throw new InvalidOperationException($"{step} needs complementary_data[\"{HilKeys.RawJointPositions}\"] (the measured joints); run it inside a ControlPipeline, which provides them.");

    /// <summary>The action as a flat float array (a policy action may carry a batch dimension of one).</summary>
    public static float[] ActionValues(this EnvTransition t) =>
        t.Action is null ? [] : t.Action.to(ScalarType.Float32).reshape(-1).data<float>().ToArray();
}
