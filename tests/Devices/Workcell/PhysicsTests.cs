using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Geometry;
using RobotActors.Devices.Workcell.Operators;

namespace RobotActors.Devices.Tests.Workcell;

/// <summary>The workcell's physics, driven through the robot stack (Feetech protocol on the pseudo-terminal), in lockstep.</summary>
public sealed class PhysicsTests
{
    [Fact]
    public void A_cube_nothing_touches_rests_exactly_where_it_was_put()
    {
        using var sim = new SimArm();
        var put = new Vec3(0.30, 0.20, 0.0125);
        sim.Cell.PlaceCube(put, 0.3);
        sim.Run(3);
        var after = sim.Cell.State();
        Assert.Equal(put, after.CubePosition); // no sinking, no drift: bit for bit
        Assert.Equal(0.3, after.CubeYaw);
        Assert.True(after.CubeOnTable);
        sim.Run(2);
        Assert.Equal(put, sim.Cell.State().CubePosition);
    }

    [Fact]
    public void Closed_jaws_moving_into_the_cube_push_it_along_the_table()
    {
        using var sim = new SimArm();
        sim.MoveTo(new Vec3(0.21, 0.03, 0.05), gripper: 0, seconds: 1.5);
        var jaws = sim.Cell.State().JawCenter;
        var start = new Vec3(jaws.X, jaws.Y - 0.045, 0.0125);
        sim.Cell.PlaceCube(start);
        sim.MoveTo(new Vec3(0.21, 0.03, 0.015), gripper: 0, seconds: 1);
        Assert.Equal(start, sim.Cell.State().CubePosition); // not touched yet
        for (var y = 0.02; y >= -0.03; y -= 0.01) sim.MoveTo(new Vec3(0.21, y, 0.015), gripper: 0, seconds: 0.5);
        var end = sim.Cell.State();
        Assert.True(start.Y - end.CubePosition.Y > 0.02, $"pushed from {start} to {end.CubePosition}");
        Assert.True(end.CubeOnTable, $"still on the table: {end.CubePosition}");
        Assert.False(end.CubeHeld);
    }

    [Fact]
    public void A_closed_grasp_lifts_the_cube_with_the_arm_squeezes_with_load_and_opening_drops_it()
    {
        using var sim = new SimArm();
        sim.MoveTo(new Vec3(0.21, 0, 0.06), gripper: 60, seconds: 1.5);
        var tcp = sim.Cell.State().EndEffector;
        sim.Cell.PlaceCube(new Vec3(tcp.X, tcp.Y, 0.0125));
        sim.MoveTo(new Vec3(tcp.X, tcp.Y, 0.015), gripper: 60, seconds: 1);
        var freeLoad = Math.Abs(sim.Raw("Present_Load")["gripper"]);
        sim.MoveTo(new Vec3(tcp.X, tcp.Y, 0.015), gripper: 0, seconds: 1);
        var closed = sim.Cell.State();
        Assert.True(closed.CubeHeld, "both jaws on the cube: held");
        var squeeze = Math.Abs(sim.Raw("Present_Load")["gripper"]);
        Assert.True(squeeze > 300 && squeeze > freeLoad + 250, $"gripper load {squeeze} squeezing vs {freeLoad} free");
        Assert.True(sim.Raw("Present_Current")["gripper"] > 100);
        Assert.True(closed.Joints["gripper"] > 15, $"the cube keeps the jaws apart: gripper.pos {closed.Joints["gripper"]:F1}");

        sim.MoveTo(new Vec3(tcp.X, tcp.Y, 0.09), gripper: 0, seconds: 1.5);
        var lifted = sim.Cell.State();
        Assert.True(lifted.CubeHeld);
        Assert.True(lifted.CubePosition.Z > 0.06, $"lifted to {lifted.CubePosition}");
        Assert.True(Math.Abs(lifted.CubePosition.Z - lifted.EndEffector.Z) < 0.02, "the cube moves with the gripper");

        sim.MoveTo(new Vec3(tcp.X, tcp.Y, 0.09), gripper: 60, seconds: 1.5);
        var dropped = sim.Cell.State();
        Assert.False(dropped.CubeHeld);
        Assert.True(dropped.CubeOnTable, $"fell back onto the table: {dropped.CubePosition}");
        Assert.Equal(0.0125, dropped.CubePosition.Z, 6);
    }

    [Fact]
    public void Jaws_that_close_on_nothing_hold_nothing()
    {
        using var sim = new SimArm();
        sim.MoveTo(new Vec3(0.21, 0, 0.04), gripper: 0, seconds: 1.5);
        var s = sim.Cell.State();
        Assert.False(s.CubeHeld);
        Assert.True(s.Joints["gripper"] < 8, $"jaws shut: gripper.pos {s.Joints["gripper"]:F1}");
    }

    [Fact]
    public void Pressing_the_gripper_into_the_table_loads_the_servos_and_the_table_holds()
    {
        using var sim = new SimArm();
        sim.MoveTo(new Vec3(0.21, 0, 0.05), gripper: 0, seconds: 1.5);
        var free = sim.Raw("Present_Load");
        Assert.False(sim.Cell.State().ArmTouchesTable);
        sim.MoveTo(new Vec3(0.21, 0, -0.04), gripper: 0, seconds: 1.5);
        var pressed = sim.Raw("Present_Load");
        var state = sim.Cell.State();
        Assert.True(state.ArmTouchesTable);
        var rise = pressed.Keys.Max(k => Math.Abs(pressed[k]) - Math.Abs(free[k]));
        Assert.True(rise > 200, $"load free {string.Join(",", free.Values)} pressed {string.Join(",", pressed.Values)}");
        Assert.True(state.EndEffector.Z > -0.012, $"the jaws stay on the table: gripper frame at {state.EndEffector}");
    }

    [Fact]
    public void A_joint_commanded_past_its_limit_stops_at_the_model_limit_and_pushes_against_it()
    {
        using var sim = new SimArm();
        sim.Cell.PlaceCube(new Vec3(0.45, 0.35, 0.0125));
        // Open the servo's own position limit so only the joint's mechanical limit is left, then command far beyond it.
        sim.Arm.Bus.Write("Max_Position_Limit", "shoulder_pan", 4095, normalize: false);
        sim.Arm.Bus.Write("Goal_Position", "shoulder_pan", 4000, normalize: false); // about +171°
        var observation = sim.Run(3);
        Assert.InRange(observation["shoulder_pan.pos"], 109.0, 110.2); // the URDF limit is 110°
        Assert.True(Math.Abs(sim.Raw("Present_Load")["shoulder_pan"]) > 900, "the servo pushes against the stop at full torque");
        // And back inside the range the joint follows again.
        sim.Arm.Bus.Write("Goal_Position", "shoulder_pan", 2047, normalize: false);
        Assert.InRange(sim.Run(2)["shoulder_pan.pos"], -0.5, 0.5);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trajectory_bit_for_bit()
    {
        static List<double> Trajectory(int seed)
        {
            using var sim = new SimArm(new WorkcellOptions { Task = "pick_lift_cube", Seed = seed });
            var op = new ScriptedOperator(sim.Cell, new ScriptedOperatorOptions { Seed = seed, Noise = 0.2 });
            var mapper = new RobotActors.Devices.Teleoperators.EndEffectorActionMapper(sim.Kinematics,
                new RobotActors.Devices.Kinematics.EndEffectorBounds(op.Options.BoundsMin, op.Options.BoundsMax), op.Options.StepSizes);
            var values = new List<double>();
            for (var step = 0; step < 40; step++)
            {
                var observation = sim.Arm.GetObservation();
                var s = sim.Cell.State();
                values.AddRange(observation.Values);
                values.AddRange([s.CubePosition.X, s.CubePosition.Y, s.CubePosition.Z, s.CubeYaw, s.EndEffector.X, s.EndEffector.Y, s.EndEffector.Z, s.CubeHeld ? 1 : 0]);
                values.AddRange(sim.Raw("Present_Load").Values);
                sim.Arm.SendAction(mapper.Map(observation, op.GetAction()));
                sim.Cell.Advance(0.1);
            }
            return values;
        }
        var first = Trajectory(7);
        var second = Trajectory(7);
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++) Assert.True(first[i].Equals(second[i]), $"value {i}: {first[i]:R} vs {second[i]:R}");
        Assert.NotEqual(first, Trajectory(8)); // another seed is another episode
        Assert.Contains(1.0, first.Where((_, i) => i % (6 + 8 + 6) == 6 + 7)); // the cube was grasped along the way
    }
}

/// <summary>The real-time clock: a driver thread moves the world without Advance, at most time_scale × the wall clock.</summary>
public sealed class RealTimeClockTests
{
    [Fact]
    public void In_real_time_the_world_moves_on_its_own_and_stops_when_switched_back_to_lockstep()
    {
        using var sim = new SimArm();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var before = sim.Cell.Time;
        sim.Cell.StartRealTime(timeScale: 4);
        Assert.Throws<InvalidOperationException>(() => sim.Cell.Advance(0.1));
        var goal = sim.Arm.GetObservation();
        goal["shoulder_pan.pos"] += 20;
        sim.Arm.SendAction(goal);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Math.Abs(sim.Arm.GetObservation()["shoulder_pan.pos"] - goal["shoulder_pan.pos"]) > 1 && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        var moved = sim.Cell.Time - before;
        Assert.True(moved > 0.05, $"the world ran {moved:F3} s on its own");
        Assert.True(moved <= 4 * clock.Elapsed.TotalSeconds + 0.01, $"{moved:F3} simulated s in {clock.Elapsed.TotalSeconds:F3} wall s at 4x");
        Assert.InRange(sim.Arm.GetObservation()["shoulder_pan.pos"] - goal["shoulder_pan.pos"], -1, 1);

        sim.Cell.StopRealTime();
        var frozen = sim.Cell.Time;
        Thread.Sleep(100);
        Assert.Equal(frozen, sim.Cell.Time);
        sim.Cell.Advance(0.5);
        sim.Arm.GetObservation();
        Assert.Equal(frozen + 0.5, sim.Cell.Time, 9);
    }
}
