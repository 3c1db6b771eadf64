namespace RobotActors.Devices.Robots;

/// <summary>LeRobot's ensure_safe_goal_position: no goal further than max_relative_target from where the joint is.</summary>
public static class SafeGoal
{
    public static Dictionary<string, double> Clamp(IReadOnlyDictionary<string, double> goals, IReadOnlyDictionary<string, double> present,
        double? maxRelative, IReadOnlyDictionary<string, double>? perMotor)
    {
        var safe = new Dictionary<string, double>(goals.Count);
        foreach (var (name, goal) in goals)
        {
            double? limit = perMotor is not null && perMotor.TryGetValue(name, out var m) ? m : maxRelative;
            if (limit is not { } max || !present.TryGetValue(name, out var now))
            {
                safe[name] = goal;
                continue;
            }
            safe[name] = now + Math.Clamp(goal - now, -max, max);
        }
        return safe;
    }
}
