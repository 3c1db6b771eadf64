using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's EEBoundsAndSafety, made to clamp and count instead of raising: a target with a non-finite value
/// holds the last safe pose (or, with none yet, sends no arm goal at all); the position is clipped to
/// end_effector_bounds; a jump of more than max_ee_step_m from the last safe target is cut to that length
/// along its direction. LeRobot raises ValueError on such a jump, which ends the control loop.
/// </summary>
[ProcessorStepName("ee_bounds_and_safety")]
public sealed class EEBoundsAndSafety(double[] min, double[] max, double maxEeStepM = 0.05) : IProcessorStep
{
    private double[]? _lastSafe;
    private double[]? _lastRotation;
    private long _nonFinite, _boundsClamps, _stepClamps;

    public double[] Min { get; } = min.Length == 3 ? min : throw new ArgumentException("end_effector_bounds.min needs x, y, z.");
    public double[] Max { get; } = max.Length == 3 && max.Zip(min).All(p => p.First >= p.Second) ? max
        : throw new ArgumentException($"end_effector_bounds.max [{string.Join(", ", max)}] must have x, y, z each at least min [{string.Join(", ", min)}].");
    public double MaxEeStepM { get; } = maxEeStepM > 0 ? maxEeStepM : throw new ArgumentOutOfRangeException(nameof(maxEeStepM), maxEeStepM, "max_ee_step_m must be positive.");

    public long NonFiniteCount => Interlocked.Read(ref _nonFinite);
    public long BoundsClampCount => Interlocked.Read(ref _boundsClamps);
    public long StepClampCount => Interlocked.Read(ref _stepClamps);

    public static EEBoundsAndSafety FromConfig(JsonObject config)
    {
        var bounds = config["end_effector_bounds"] as JsonObject ?? throw new ArgumentException("ee_bounds_and_safety needs end_effector_bounds {min, max}.");
        return new(StepJson.Doubles(bounds["min"]), StepJson.Doubles(bounds["max"]), StepJson.Double(config, "max_ee_step_m", 0.05));
    }

    public JsonObject GetConfig() => new()
    {
        ["end_effector_bounds"] = new JsonObject { ["min"] = StepJson.Array(Min), ["max"] = StepJson.Array(Max) },
        ["max_ee_step_m"] = MaxEeStepM,
    };

    public EnvTransition Process(EnvTransition transition)
    {
        var action = transition.RobotAction;
        if (action is null || !EndEffectorPose.Has(action)) return transition;
        double[] p = [action["ee.x"], action["ee.y"], action["ee.z"]];
        double[] w = [action["ee.wx"], action["ee.wy"], action["ee.wz"]];
        if (!p.All(double.IsFinite) || !w.All(double.IsFinite))
        {
            Interlocked.Increment(ref _nonFinite);
            if (_lastSafe is null)
            {
                foreach (var key in EndEffectorPose.Keys) action.Remove(key); // no safe pose known: no arm goal
                return transition;
            }
            p = (double[])_lastSafe.Clone();
            w = (double[])_lastRotation!.Clone();
        }
        var clipped = false;
        for (var i = 0; i < 3; i++)
        {
            var c = Math.Clamp(p[i], Min[i], Max[i]);
            clipped |= c != p[i];
            p[i] = c;
        }
        if (clipped) Interlocked.Increment(ref _boundsClamps);
        if (_lastSafe is { } last)
        {
            double dx = p[0] - last[0], dy = p[1] - last[1], dz = p[2] - last[2];
            var jump = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            if (jump > MaxEeStepM)
            {
                Interlocked.Increment(ref _stepClamps);
                var k = MaxEeStepM / jump;
                p = [last[0] + dx * k, last[1] + dy * k, last[2] + dz * k];
            }
        }
        _lastSafe = p;
        _lastRotation = w;
        action["ee.x"] = p[0]; action["ee.y"] = p[1]; action["ee.z"] = p[2];
        action["ee.wx"] = w[0]; action["ee.wy"] = w[1]; action["ee.wz"] = w[2];
        return transition;
    }

    public void Reset()
    {
        _lastSafe = null;
        _lastRotation = null;
    }
}
