using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;
using TorchSharp;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's InterventionActionProcessorStep. While the operator intervenes (info["is_intervention"]) the
/// teleoperator's action replaces the policy's, as a vector in the order of <see cref="ActionNames"/> (a
/// missing gripper means 1 = stay). Without a policy action (recording, teleoperating) the action is the
/// neutral one: zeros and gripper 1 — LeRobot v0.5.1 used 0, which closes the gripper. done = terminate_episode
/// or (terminate_on_success and success); reward = 1 on success. complementary_data["teleop_action"] becomes
/// the final action (a float array): the action that was executed, which is what gets recorded. Without
/// terminate_on_success, success stays pressed for the rest of the episode (as LeRobot's gamepad keeps its
/// "success" status until the reset), so every frame after it is a positive example for a reward classifier.
/// </summary>
[ProcessorStepName("intervention_action_processor")]
public sealed class InterventionActionProcessorStep : IProcessorStep
{
    public InterventionActionProcessorStep(bool useGripper = true, bool terminateOnSuccess = true, IReadOnlyList<string>? actionNames = null)
    {
        UseGripper = useGripper;
        TerminateOnSuccess = terminateOnSuccess;
        ActionNames = actionNames ?? HilKeys.DeltaActionNames(useGripper);
    }

    private bool _succeeded;

    public bool UseGripper { get; }
    public bool TerminateOnSuccess { get; }
    /// <summary>The names of the action vector's entries: the delta action by default, "&lt;motor&gt;.pos" in joint control.</summary>
    public IReadOnlyList<string> ActionNames { get; }

    public static InterventionActionProcessorStep FromConfig(JsonObject config)
    {
        var names = StepJson.Strings(config, "action_names");
        return new(StepJson.Bool(config, "use_gripper", true), StepJson.Bool(config, "terminate_on_success", true), names.Length > 0 ? names : null);
    }

    public JsonObject GetConfig() => new()
    {
        ["use_gripper"] = UseGripper, ["terminate_on_success"] = TerminateOnSuccess, ["action_names"] = StepJson.Array(ActionNames),
    };

    public float[] Neutral()
    {
        var action = new float[ActionNames.Count];
        for (var i = 0; i < action.Length; i++) action[i] = ActionNames[i] == "gripper" ? HilKeys.GripperStay : 0;
        return action;
    }

    public EnvTransition Process(EnvTransition transition)
    {
        var intervening = transition.Flag(HilKeys.IsIntervention);
        float[] action;
        if (intervening && transition.ComplementaryData.GetValueOrDefault(HilKeys.TeleopAction) is IReadOnlyDictionary<string, double> teleop)
        {
            action = new float[ActionNames.Count];
            for (var i = 0; i < action.Length; i++)
                action[i] = teleop.TryGetValue(ActionNames[i], out var v) ? (float)v
                    : ActionNames[i] == "gripper" ? HilKeys.GripperStay
                    : ActionNames[i].EndsWith(".pos", StringComparison.Ordinal)
                        ? throw new InvalidOperationException($"intervention_action_processor: the teleoperator's action has no '{ActionNames[i]}' (it has {string.Join(", ", teleop.Keys)}).")
                        : 0;
        }
        else if (transition.Action is not null)
        {
            action = transition.ActionValues();
            if (action.Length != ActionNames.Count)
                throw new InvalidOperationException($"intervention_action_processor: the policy action has {action.Length} values but the env's action is [{string.Join(", ", ActionNames)}].");
        }
        else
        {
            action = Neutral();
        }
        transition.Action = torch.tensor(action);
        var success = transition.Flag(HilKeys.Success) || (_succeeded && !TerminateOnSuccess);
        _succeeded |= success;
        transition.Info[HilKeys.IsIntervention] = intervening;
        transition.Info[HilKeys.Success] = success;
        transition.Info[HilKeys.RerecordEpisode] = transition.Flag(HilKeys.RerecordEpisode);
        transition.SetDone(transition.Flag(HilKeys.TerminateEpisode) || (TerminateOnSuccess && success));
        transition.SetReward(success ? 1.0 : 0.0);
        transition.ComplementaryData[HilKeys.TeleopAction] = action;
        return transition;
    }

    public void Reset() => _succeeded = false;
}
