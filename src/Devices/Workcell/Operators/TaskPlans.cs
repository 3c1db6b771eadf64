using RobotActors.Devices.Workcell.Geometry;
using RobotActors.Devices.Workcell.Tasks;

namespace RobotActors.Devices.Workcell.Operators;

/// <summary>Gripper commands of the delta interface.</summary>
public static class GripperCommand
{
    public const int Close = 0, Stay = 1, Open = 2;
}

/// <summary>What a scripted operator wants next: a point for the gripper frame and a gripper command.</summary>
/// <param name="Speed">Largest |delta| per axis this step (1 = the pipeline's full step size).</param>
public readonly record struct PlanStep(Vec3 Target, int Gripper, string Phase, double Speed = 1);

/// <summary>How a human solves one task, step by step, seeing the scene (closed loop: replans every step).</summary>
public abstract class TaskPlan
{
    protected const double OpenEnough = 45;   // gripper.pos (0..100) wide enough around the cube
    protected const double Hover = 0.05;      // above the cube while lining up (m)

    public abstract PlanStep Next(WorkcellState state);

    /// <summary>
    /// How far the scene is from solved (m, roughly), as the operator judges progress: it falls while whoever holds
    /// the arm gets closer to solving the task, whatever phase the plan is in.
    /// </summary>
    public abstract double DistanceToGoal(WorkcellState state);

    public static TaskPlan For(WorkcellTask task) => task.Name switch
    {
        WorkcellTask.ReachCube => new ReachPlan(),
        WorkcellTask.PushCube => new PushPlan(task),
        _ => new PickLiftPlan(task),
    };

    protected static double HorizontalDistance(Vec3 a, Vec3 b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    protected static int OpenTo(WorkcellState s, double opening) => s.Joints["gripper"] < opening ? GripperCommand.Open : GripperCommand.Stay;
}

/// <summary>reach_cube: over the cube with the jaws open, then down to just above its centre.</summary>
public sealed class ReachPlan : TaskPlan
{
    public override double DistanceToGoal(WorkcellState s) => (s.EndEffector - s.CubePosition).Length;

    public override PlanStep Next(WorkcellState s)
    {
        var c = s.CubePosition;
        var e = s.EndEffector;
        var gripper = OpenTo(s, OpenEnough);
        if (HorizontalDistance(e, c) > 0.012)
            return new PlanStep(new Vec3(c.X, c.Y, Math.Max(c.Z + Hover * 0.6, Math.Min(e.Z, c.Z + Hover))), gripper, "above");
        return new PlanStep(c + new Vec3(0, 0, 0.012), gripper, "down");
    }
}

/// <summary>
/// pick_lift_cube: open, line up over the cube, go down around it, close until the cube is held
/// (or the jaws shut on nothing: try again), then lift well past the task's height.
/// </summary>
public sealed class PickLiftPlan(WorkcellTask task) : TaskPlan
{
    private string _phase = "open";
    private Vec3 _grasp;

    // Getting the hand to the cube counts, then lifting it (the jaws closing on it shows as the lift that follows).
    public override double DistanceToGoal(WorkcellState s) =>
        (s.EndEffector - s.CubePosition).Length + Math.Max(0, task.LiftHeight - (s.CubePosition.Z - s.CubeSize / 2));

    public override PlanStep Next(WorkcellState s)
    {
        var c = s.CubePosition;
        var e = s.EndEffector;
        var hover = new Vec3(c.X, c.Y, c.Z + Hover);
        var down = new Vec3(c.X, c.Y, c.Z + 0.002);
        var gripper = s.Joints["gripper"];
        switch (_phase)
        {
            case "open":
                if (gripper >= OpenEnough) _phase = "above";
                return new PlanStep(new Vec3(e.X, e.Y, Math.Max(e.Z, hover.Z)), GripperCommand.Open, "open");
            case "above":
                if (HorizontalDistance(e, c) < 0.006 && Math.Abs(e.Z - hover.Z) < 0.02) _phase = "down";
                return new PlanStep(hover, OpenTo(s, OpenEnough), "above");
            case "down":
                if (HorizontalDistance(e, c) > 0.015) { _phase = "above"; return new PlanStep(hover, OpenTo(s, OpenEnough), "above"); }
                if ((e - down).Length < 0.006) { _phase = "close"; _grasp = down; }
                return new PlanStep(down, OpenTo(s, OpenEnough), "down");
            case "close":
                if (s.CubeHeld) { _phase = "lift"; _grasp = e; }
                else if (gripper < 8) _phase = "open"; // shut on nothing: open and line up again
                return new PlanStep(_grasp, GripperCommand.Close, "close");
            default: // lift
                if (!s.CubeHeld) { _phase = "open"; return new PlanStep(e, GripperCommand.Open, "open"); }
                var lift = _grasp.Z + task.LiftHeight + 0.03;
                return new PlanStep(new Vec3(_grasp.X, _grasp.Y, lift), GripperCommand.Close, "lift");
        }
    }
}

/// <summary>
/// push_cube: jaws closed, bring the jaws behind the cube on the line from the zone through the cube
/// (over it, not through it), lower them to just above the table and push toward the zone's centre;
/// re-approach whenever the cube slides off the line; stop and rise once it sits in the zone's middle.
/// It steers the jaws, not the gripper frame (closed jaws sit to one side of it).
/// </summary>
public sealed class PushPlan(WorkcellTask task) : TaskPlan
{
    private const double PushHeight = 0.012, SafeHeight = 0.05;
    private string _phase = "over";

    // The cube's way to the zone, plus a little for bringing the jaws to it (the approach before a push is progress too).
    public override double DistanceToGoal(WorkcellState s)
    {
        var zone = task.ZoneCenter ?? throw new InvalidOperationException("push_cube needs a zone.");
        var c = s.CubePosition;
        return HorizontalDistance(c, new Vec3(zone[0], zone[1], c.Z)) + 0.3 * HorizontalDistance(s.JawCenter, c);
    }

    public override PlanStep Next(WorkcellState s)
    {
        var zone = task.ZoneCenter ?? throw new InvalidOperationException("push_cube needs a zone.");
        var c = s.CubePosition;
        var e = s.EndEffector;
        var jaws = s.JawCenter with { Z = e.Z }; // steer the jaws in x/y, the gripper frame in z
        var toTarget = e - jaws;                  // a point for the jaws → a target for the gripper frame
        var gripper = s.Joints["gripper"] > 10 ? GripperCommand.Close : GripperCommand.Stay;
        var toGoal = new Vec3(zone[0] - c.X, zone[1] - c.Y, 0);
        var remaining = toGoal.Length;
        if (remaining < 0.012 || _phase == "done")
        {
            _phase = remaining < 0.03 ? "done" : "over";
            return new PlanStep(new Vec3(e.X, e.Y, SafeHeight), gripper, "done");
        }
        var u = toGoal / remaining;
        var behind = (c - u * (s.CubeSize / 2 + 0.026)) with { Z = PushHeight };
        var rel = jaws - c;
        var along = rel.X * u.X + rel.Y * u.Y;           // < 0: behind the cube
        var lateral = Math.Abs(rel.X * u.Y - rel.Y * u.X); // off the push line
        if (_phase == "push" && (lateral > 0.008 || along > -s.CubeSize / 2)) _phase = "over";
        var offBehind = HorizontalDistance(jaws, behind);
        switch (_phase)
        {
            case "over":
                if (offBehind < 0.006) _phase = "lower";
                // Rise first when low, so the gripper never sweeps through the cube.
                if (e.Z < SafeHeight - 0.015 && offBehind > 0.015) return new PlanStep(new Vec3(e.X, e.Y, SafeHeight), gripper, "rise");
                return new PlanStep((behind + toTarget) with { Z = SafeHeight }, gripper, "over");
            case "lower":
                if (Math.Abs(e.Z - PushHeight) < 0.005) _phase = "push";
                if (offBehind > 0.015) _phase = "over";
                return new PlanStep(behind + toTarget, gripper, "lower", Speed: 0.6);
            default:
                var ahead = c + u * 0.05 + new Vec3(-rel.X + along * u.X, -rel.Y + along * u.Y, 0) * 0.5; // push on, steering back onto the line
                return new PlanStep((ahead + toTarget) with { Z = PushHeight }, gripper, "push", Speed: 0.4);
        }
    }
}
