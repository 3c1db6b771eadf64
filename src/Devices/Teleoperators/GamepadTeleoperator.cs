namespace RobotActors.Devices.Teleoperators;

/// <summary>LeRobot's gamepad config: use_gripper and the step sizes / deadzone of its controller.</summary>
public sealed record GamepadConfig
{
    public bool UseGripper { get; init; } = true;
    public double Deadzone { get; init; } = 0.1;
    public double XStepSize { get; init; } = 1.0;
    public double YStepSize { get; init; } = 1.0;
    public double ZStepSize { get; init; } = 1.0;
}

/// <summary>
/// A gamepad on the Linux joystick API with LeRobot's HIL-SERL mapping: left stick (axes 0/1) moves
/// the end effector in x/y, the right stick's vertical axis (3) in z; hold RB (button 5) to
/// intervene; Y (3) success, A (1) failure, X (0) re-record, B (2) exit; button 6 closes the gripper,
/// button 7 opens it. Actions: delta_x, delta_y, delta_z and gripper (0 close, 1 stay, 2 open).
/// </summary>
public sealed class GamepadTeleoperator(JoystickDevice joystick, GamepadConfig? config = null) : IEventTeleoperator
{
    public const int ButtonX = 0, ButtonA = 1, ButtonB = 2, ButtonY = 3, ButtonRb = 5, ButtonCloseGripper = 6, ButtonOpenGripper = 7;
    private readonly GamepadConfig _config = config ?? new GamepadConfig();

    public JoystickDevice Joystick { get; } = joystick;

    public IReadOnlyList<string> ActionFeatures => _config.UseGripper
        ? ["delta_x", "delta_y", "delta_z", "gripper"]
        : ["delta_x", "delta_y", "delta_z"];

    /// <summary>Set once B was pressed: the operator asked to stop.</summary>
    public bool ExitRequested { get; private set; }

    public Dictionary<string, double> GetAction()
    {
        // Pushing a stick forward gives a negative axis value; forward is +x for the arm.
        var action = new Dictionary<string, double>
        {
            ["delta_x"] = -Dead(Joystick.Axis(1)) * _config.YStepSize,
            ["delta_y"] = -Dead(Joystick.Axis(0)) * _config.XStepSize,
            ["delta_z"] = -Dead(Joystick.Axis(3)) * _config.ZStepSize,
        };
        if (_config.UseGripper)
            action["gripper"] = Joystick.ButtonHeld(ButtonCloseGripper) ? 0 : Joystick.ButtonHeld(ButtonOpenGripper) ? 2 : 1;
        return action;
    }

    public Dictionary<TeleopEvent, bool> GetTeleopEvents()
    {
        var success = Joystick.TakePresses(ButtonY) > 0;
        var failure = Joystick.TakePresses(ButtonA) > 0;
        var rerecord = Joystick.TakePresses(ButtonX) > 0;
        if (Joystick.TakePresses(ButtonB) > 0) ExitRequested = true;
        return new Dictionary<TeleopEvent, bool>
        {
            [TeleopEvent.IsIntervention] = Joystick.ButtonHeld(ButtonRb),
            [TeleopEvent.Success] = success,
            [TeleopEvent.Failure] = failure,
            [TeleopEvent.RerecordEpisode] = rerecord,
            // LeRobot ends the episode early on failure or re-record; success is its own event.
            [TeleopEvent.TerminateEpisode] = failure || rerecord,
        };
    }

    private double Dead(double v) => Math.Abs(v) < _config.Deadzone ? 0 : v;

    public void Dispose() => Joystick.Dispose();
}
