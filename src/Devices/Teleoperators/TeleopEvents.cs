namespace RobotActors.Devices.Teleoperators;

/// <summary>LeRobot's TeleopEvents, with their string values.</summary>
public enum TeleopEvent
{
    /// <summary>"success"</summary>
    Success,
    /// <summary>"failure"</summary>
    Failure,
    /// <summary>"rerecord_episode"</summary>
    RerecordEpisode,
    /// <summary>"is_intervention"</summary>
    IsIntervention,
    /// <summary>"terminate_episode"</summary>
    TerminateEpisode,
}

public static class TeleopEventNames
{
    public static string ToLeRobotName(this TeleopEvent e) => e switch
    {
        TeleopEvent.Success => "success",
        TeleopEvent.Failure => "failure",
        TeleopEvent.RerecordEpisode => "rerecord_episode",
        TeleopEvent.IsIntervention => "is_intervention",
        _ => "terminate_episode",
    };
}

/// <summary>A teleoperator that also reports episode events (gamepad, keyboard).</summary>
public interface IEventTeleoperator : ITeleoperator
{
    /// <summary>The current events; one-shot events (success, failure, re-record) are reported once per press.</summary>
    Dictionary<TeleopEvent, bool> GetTeleopEvents();
}
