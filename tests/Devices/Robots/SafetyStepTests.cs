using RobotActors.Devices.Safety;

namespace RobotActors.Devices.Tests.Robots;

public class SafetyStepTests
{
    private static SafetyStep Step() => new(new SafetyLimits
    {
        Joints = new Dictionary<string, (double, double)> { ["a.pos"] = (-10, 10), ["b.pos"] = (0, 100) },
        MaxStepPerTick = 5,
    });

    [Fact]
    public void Non_finite_values_hold_the_last_safe_goal_and_are_counted()
    {
        var step = Step();
        step.Seed(new Dictionary<string, double> { ["a.pos"] = 1, ["b.pos"] = 50 });
        var outcome = step.Apply(new Dictionary<string, double> { ["a.pos"] = double.NaN, ["b.pos"] = double.PositiveInfinity });
        Assert.Equal(1, outcome.Action["a.pos"]);
        Assert.Equal(50, outcome.Action["b.pos"]);
        Assert.Equal(2, step.NonFiniteCount);
    }

    [Fact]
    public void Limits_then_step_size_are_enforced_and_counted()
    {
        var step = Step();
        step.Seed(new Dictionary<string, double> { ["a.pos"] = 8 });
        // 40 -> clamped to 10 by the limit; 10 - 8 = 2 is within the 5 step
        Assert.Equal(10, step.Apply(new Dictionary<string, double> { ["a.pos"] = 40 }).Action["a.pos"]);
        // -40 -> -10 by the limit, then 10 - 5 = 5 by the step limit
        Assert.Equal(5, step.Apply(new Dictionary<string, double> { ["a.pos"] = -40 }).Action["a.pos"]);
        Assert.Equal(2, step.LimitClampCount);
        Assert.Equal(1, step.StepClampCount);
    }

    [Fact]
    public void A_value_with_no_safe_history_is_dropped_not_sent()
    {
        var step = Step();
        var outcome = step.Apply(new Dictionary<string, double> { ["a.pos"] = double.NaN });
        Assert.Empty(outcome.Action);
    }
}
