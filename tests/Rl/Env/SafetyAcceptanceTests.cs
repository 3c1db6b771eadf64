using RobotActors.Rl.Tests.Env;

namespace RobotActors.Rl.Tests.Env;

/// <summary>
/// Issue 9's safety acceptance: a NaN action, an end-effector target outside the bounds and a 20 cm jump are
/// each clamped and counted, never raised, and never reach the bus (checked on the servos' goal registers).
/// </summary>
public sealed class SafetyAcceptanceTests : IDisposable
{
    private readonly TestArm _arm = new();

    public void Dispose() => _arm.Dispose();

    private double[] StartEe() => _arm.Kinematics.ForwardKinematics(_arm.Arm.GetObservation()).P;

    private double[] GoalEe() => _arm.Kinematics.ForwardKinematics(_arm.Goals()).P;

    [Fact]
    public void A_NaN_action_holds_the_last_safe_pose_and_is_counted()
    {
        var p0 = StartEe();
        var pipeline = PipelineRig.Make(_arm, PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1]), new TestTeleop());
        pipeline.Reset();
        pipeline.Act([0, 0, 0, 1]);
        pipeline.Observe();
        var before = _arm.Goals();

        var outcome = pipeline.Act([float.NaN, 0, float.NaN, 1]);
        pipeline.Observe();

        Assert.Equal(1, pipeline.EndEffectorSafety!.NonFiniteCount);
        Assert.All(outcome.Goals.Values, v => Assert.True(double.IsFinite(v)));
        var after = _arm.Goals();
        Assert.All(after, kv => Assert.True(double.IsFinite(kv.Value) && Math.Abs(kv.Value - before[kv.Key]) < 1.0, $"{kv.Key}: {before[kv.Key]} -> {kv.Value}"));
        Assert.True(Distance(GoalEe(), p0) < 0.01, "the arm's goal stayed where it was");
    }

    [Fact]
    public void A_NaN_action_before_any_safe_pose_sends_no_arm_goal()
    {
        var pipeline = PipelineRig.Make(_arm, PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1]), new TestTeleop());
        pipeline.Reset();
        var before = _arm.Goals();
        var outcome = pipeline.Act([float.NaN, float.NaN, float.NaN, float.NaN]);
        pipeline.Observe();
        Assert.Equal(1, pipeline.EndEffectorSafety!.NonFiniteCount);
        Assert.DoesNotContain("shoulder_pan.pos", outcome.Goals.Keys);
        Assert.Equal(before, _arm.Goals());
    }

    [Fact]
    public void A_target_outside_the_bounds_is_clipped_to_them_and_counted()
    {
        var p0 = StartEe();
        double[] min = [p0[0] - 0.05, p0[1] - 0.05, p0[2] - 0.05], max = [p0[0] + 0.03, p0[1] + 0.05, p0[2] + 0.05];
        var pipeline = PipelineRig.Make(_arm, PipelineRig.EndEffectorConfig(_arm, min, max), new TestTeleop());
        pipeline.Reset();
        for (var i = 0; i < 8; i++) // +x at 2 cm a tick: the bound 3 cm out is reached on the second tick
        {
            pipeline.Act([1, 0, 0, 1]);
            Thread.Sleep(30);
            pipeline.Observe();
        }
        Assert.True(pipeline.EndEffectorSafety!.BoundsClampCount >= 6, $"clamped {pipeline.EndEffectorSafety.BoundsClampCount} times");
        var goal = GoalEe();
        Assert.True(goal[0] <= max[0] + 0.003, $"goal x {goal[0]:F4} beyond the bound {max[0]:F4}");
        Assert.True(goal[0] > p0[0] + 0.01, $"goal x {goal[0]:F4} never moved toward +x from {p0[0]:F4}");
    }

    [Fact]
    public void A_20_cm_jump_is_cut_to_the_largest_step_and_counted()
    {
        var p0 = StartEe();
        var pipeline = PipelineRig.Make(_arm, PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1], step: 0.02), new TestTeleop());
        pipeline.Reset();
        pipeline.Act([0, 0, 0, 1]);
        pipeline.Observe();

        pipeline.Act([0, 0, -10, 1]); // 10 × 2 cm = a 20 cm jump down
        pipeline.Observe();

        Assert.Equal(1, pipeline.EndEffectorSafety!.StepClampCount);
        var goal = GoalEe();
        var moved = Distance(goal, p0);
        Assert.True(moved is > 0.005 and < 0.05 + 0.005, $"the goal moved {moved:F3} m; at most 5 cm are allowed per tick");
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
}
