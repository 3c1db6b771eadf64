using RobotActors.Devices.Serial;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Devices.Tests.Teleoperators;

/// <summary>The gamepad teleoperator reading js_event structs from a real FIFO, as from /dev/input/js0.</summary>
public sealed class GamepadTests : IDisposable
{
    private readonly string _fifo = Path.Combine(Path.GetTempPath(), $"ra-js-{Guid.NewGuid():N}");

    public GamepadTests()
    {
        Assert.Equal(0, Libc.MkFifo(_fifo, Convert.ToUInt32("600", 8)));
    }

    public void Dispose() => File.Delete(_fifo);

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline) Thread.Sleep(5);
        Assert.True(condition());
    }

    [Fact]
    public void Js_event_struct_is_parsed_from_its_eight_bytes()
    {
        // time 1000 ms = E8 03 00 00, value -32767 = 0x8001 -> 01 80, type axis 0x02, number 1
        var e = JoystickEvent.Parse([0xE8, 0x03, 0x00, 0x00, 0x01, 0x80, 0x02, 0x01]);
        Assert.Equal(new JoystickEvent(1000, -32767, JoystickEvent.Axis, 1), e);
        Assert.Equal(new byte[] { 0xE8, 0x03, 0x00, 0x00, 0x01, 0x80, 0x02, 0x01 }, e.ToBytes());
    }

    [Fact]
    public void Sticks_buttons_and_events_follow_lerobots_mapping()
    {
        using var pad = new GamepadTeleoperator(new JoystickDevice(_fifo));
        using var writer = new FileStream(_fifo, FileMode.Open, FileAccess.Write);
        void Send(byte type, byte number, short value)
        {
            writer.Write(new JoystickEvent(0, value, type, number).ToBytes());
            writer.Flush();
        }
        // Initial state: button 5 reported as released (init events are not presses).
        Send(JoystickEvent.Button | JoystickEvent.Init, GamepadTeleoperator.ButtonY, 0);
        Send(JoystickEvent.Axis, 1, -32767);    // left stick fully forward
        Send(JoystickEvent.Axis, 0, 2000);      // inside the 0.1 deadzone (2000 / 32767 = 0.06)
        Send(JoystickEvent.Axis, 3, 16384);     // right stick half down
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonRb, 1);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonOpenGripper, 1);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonY, 1);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonY, 0);
        WaitFor(() => pad.Joystick.EventsRead == 8);

        var action = pad.GetAction();
        Assert.Equal(["delta_x", "delta_y", "delta_z", "gripper"], action.Keys);
        Assert.Equal(1.0, action["delta_x"], 6);                 // -(-1) * 1.0
        Assert.Equal(0.0, action["delta_y"], 6);                 // deadzone
        Assert.Equal(-16384 / 32767.0, action["delta_z"], 6);
        Assert.Equal(2, action["gripper"]);                      // open

        var events = pad.GetTeleopEvents();
        Assert.True(events[TeleopEvent.IsIntervention]);
        Assert.True(events[TeleopEvent.Success]);                // a press that was already released still counts
        Assert.False(events[TeleopEvent.TerminateEpisode]);
        Assert.False(pad.GetTeleopEvents()[TeleopEvent.Success]); // one-shot

        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonRb, 0);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonA, 1);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonOpenGripper, 0);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonCloseGripper, 1);
        WaitFor(() => pad.Joystick.EventsRead == 12);
        events = pad.GetTeleopEvents();
        Assert.False(events[TeleopEvent.IsIntervention]);
        Assert.True(events[TeleopEvent.Failure]);
        Assert.True(events[TeleopEvent.TerminateEpisode]);
        Assert.Equal(0, pad.GetAction()["gripper"]);             // close
    }
}
