using RobotActors.Devices.Teleoperators;

namespace RobotActors.Devices.Workcell.Operators;

/// <summary>
/// The random-action baseline in the operator's interface: uniform deltas in [−1, 1] on x, y, z and a
/// uniform gripper command (0 close, 1 stay, 2 open) every step, seeded. It never presses a button:
/// success is judged from the workcell's ground truth.
/// </summary>
public sealed class RandomOperator(int seed = 0) : IEventTeleoperator
{
    private readonly Random _random = new(seed);

    public IReadOnlyList<string> ActionFeatures => ["delta_x", "delta_y", "delta_z", "gripper"];

    public Dictionary<string, double> GetAction() => new()
    {
        ["delta_x"] = _random.NextDouble() * 2 - 1,
        ["delta_y"] = _random.NextDouble() * 2 - 1,
        ["delta_z"] = _random.NextDouble() * 2 - 1,
        ["gripper"] = _random.Next(3),
    };

    public Dictionary<TeleopEvent, bool> GetTeleopEvents() => new()
    {
        [TeleopEvent.IsIntervention] = false, [TeleopEvent.Success] = false, [TeleopEvent.Failure] = false,
        [TeleopEvent.RerecordEpisode] = false, [TeleopEvent.TerminateEpisode] = false,
    };

    public void Dispose() { }
}
