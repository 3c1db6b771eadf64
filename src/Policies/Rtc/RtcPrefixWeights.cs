namespace RobotActors.Policies.Rtc;

/// <summary>
/// The weights W over a chunk's steps with which RTC pulls the new chunk toward the previous one's leftover:
/// 1 for the first inference_delay steps (they execute while the chunk is computed, so they must match what the
/// robot does anyway), then a fade to 0 at execution_horizon (LINEAR, or EXP: a slower start), 0 afterwards.
/// ONES keeps 1 up to execution_horizon, ZEROS keeps only the delay steps.
/// </summary>
public static class RtcPrefixWeights
{
    /// <param name="delay">Steps that execute while the chunk is computed (LeRobot's start; capped at <paramref name="horizon"/>).</param>
    /// <param name="horizon">execution_horizon (LeRobot's end).</param>
    /// <param name="total">The chunk length.</param>
    public static float[] Compute(string schedule, int delay, int horizon, int total)
    {
        var start = Math.Max(0, Math.Min(delay, horizon));
        var weights = new float[total];
        switch (schedule.ToUpperInvariant())
        {
            case "ZEROS":
                for (var i = 0; i < Math.Min(start, total); i++) weights[i] = 1;
                break;
            case "ONES":
                for (var i = 0; i < Math.Min(horizon, total); i++) weights[i] = 1;
                break;
            case "LINEAR":
            case "EXP":
            {
                for (var i = 0; i < Math.Min(start, total); i++) weights[i] = 1;
                // The fade runs over the steps between the delay and the horizon, end points excluded: for n steps,
                // 1 - (k + 1) / (n + 1), k = 0..n-1.
                var end = Math.Min(horizon, total);
                var n = end - start;
                for (var k = 0; k < n; k++)
                {
                    var w = 1.0 - (k + 1.0) / (n + 1.0);
                    if (schedule.Equals("EXP", StringComparison.OrdinalIgnoreCase)) w *= (Math.Exp(w) - 1) / (Math.E - 1);
                    weights[start + k] = (float)w;
                }
                break;
            }
            default:
                throw new ArgumentException($"prefix_attention_schedule '{schedule}' must be one of {string.Join(", ", RtcConfig.Schedules)}");
        }
        return weights;
    }
}
