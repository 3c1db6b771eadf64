using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Rtc;

/// <summary>
/// LeRobot's RTCConfig (Real-Time Chunking, guided mode): a policy config that supports RTC carries one as
/// "rtc_config", so it is set with --policy.rtc_config.enabled=true, --policy.rtc_config.execution_horizon=8, ...
/// Off by default, as in LeRobot.
/// </summary>
public sealed class RtcConfig
{
    public static readonly IReadOnlyList<string> Schedules = ["ZEROS", "ONES", "LINEAR", "EXP"];

    public bool Enabled { get; set; }

    /// <summary>How the pull toward the previous chunk fades between the inference delay and execution_horizon: ZEROS, ONES, LINEAR or EXP.</summary>
    public string PrefixAttentionSchedule { get; set; } = "LINEAR";

    /// <summary>The guidance weight's upper bound (the weight itself grows without bound near pure noise and pure data).</summary>
    [ConfigRange("> 0")] public double MaxGuidanceWeight { get; set; } = 10.0;

    /// <summary>How many steps of the new chunk are pulled toward the previous chunk's leftover.</summary>
    [ConfigRange(">= 1")] public int ExecutionHorizon { get; set; } = 10;

    /// <summary>The schedule in LeRobot's spelling (upper case); a name in any case is accepted.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string Schedule => PrefixAttentionSchedule.ToUpperInvariant();

    /// <summary>Refuses what cannot work, naming the field as the user sets it (<paramref name="owner"/>: "dit_flow").</summary>
    public void Validate(string owner, int chunkSize)
    {
        if (!Schedules.Contains(Schedule))
            throw new PolicyConfigException($"{owner}: rtc_config.prefix_attention_schedule='{PrefixAttentionSchedule}' must be one of {string.Join(", ", Schedules)} (case does not matter)");
        if (!(MaxGuidanceWeight > 0) || !double.IsFinite(MaxGuidanceWeight))
            throw new PolicyConfigException($"{owner}: rtc_config.max_guidance_weight={MaxGuidanceWeight} must be a positive number");
        // Only a chunk of RTC's own can be too short for it; a policy with RTC off keeps the defaults whatever its chunk size.
        if (Enabled && (ExecutionHorizon < 1 || ExecutionHorizon > chunkSize))
            throw new PolicyConfigException($"{owner}: rtc_config.execution_horizon={ExecutionHorizon} must be between 1 and chunk_size={chunkSize} (it counts steps of one chunk)");
    }
}
