using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Devices.Workcell;

/// <summary>How one episode ended.</summary>
public sealed record RolloutResult(long Episode, bool Success, int Steps, bool CubeLost, long InterventionSteps, bool Rerecord, string LastPhase);

/// <summary>
/// Episodes on a workcell through the real robot stack, in lockstep: the arm's observation over the
/// bus (Feetech on the pseudo-terminal) → the teleoperator's end-effector deltas → today's EE mapping
/// (<see cref="EndEffectorActionMapper"/>: latched target, bounds, one IK step) → the safety step →
/// Arm.SendAction → Advance(1/fps). An episode ends on the task's ground-truth success, when the cube is
/// lost, on the operator's rerecord, or after <c>maxSteps</c>.
/// </summary>
public sealed class WorkcellRollout(Workcell workcell, Arm arm, RobotKinematics kinematics, EndEffectorBounds bounds, double[] stepSizes, int fps)
{
    /// <summary>The safety step's largest goal change per step (degrees, or gripper units).</summary>
    public double MaxStepPerTick { get; init; } = 25;

    public RolloutResult RunEpisode(IEventTeleoperator teleop, int maxSteps, int? seed = null)
    {
        workcell.Reset(seed);
        var mapper = new EndEffectorActionMapper(kinematics, bounds, stepSizes);
        var safety = new SafetyStep(new SafetyLimits { Joints = arm.JointLimits(), MaxStepPerTick = MaxStepPerTick });
        var interventions = 0L;
        var phase = "";
        for (var step = 0; ; step++)
        {
            var observation = arm.GetObservation(); // the bus read runs the booked physics first
            var state = workcell.State();
            if (step == 0) safety.Seed(observation);
            if (state.Success || state.CubeLost || step >= maxSteps)
                return new RolloutResult(state.Episode, state.Success, step, state.CubeLost, interventions, false, phase);
            var action = teleop.GetAction();
            var events = teleop.GetTeleopEvents();
            if (events.GetValueOrDefault(TeleopEvent.IsIntervention)) interventions++;
            if (teleop is Operators.ScriptedOperator scripted) phase = scripted.Phase;
            if (events.GetValueOrDefault(TeleopEvent.RerecordEpisode))
                return new RolloutResult(state.Episode, false, step, state.CubeLost, interventions, true, phase);
            var goals = mapper.Map(observation, action);
            arm.SendAction(safety.Apply(goals).Action);
            workcell.Advance(1.0 / fps);
        }
    }
}
