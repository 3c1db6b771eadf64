using System.IO.Pipes;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Devices.Tests.Teleoperators;

public class KeyboardTests
{
    [Fact]
    public void Escape_sequences_become_keys()
    {
        var parser = new TerminalKeyParser();
        var keys = new List<TerminalKey>();
        // Up = ESC [ A, Left = ESC [ D, Page Down = ESC [ 6 ~, then the letter 's'
        foreach (var b in new byte[] { 0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x44, 0x1B, 0x5B, 0x36, 0x7E, 0x73 })
            if (parser.Feed(b) is { } k) keys.Add(k.Key);
        Assert.Equal([TerminalKey.Up, TerminalKey.Left, TerminalKey.PageDown, TerminalKey.Char], keys);
    }

    [Fact]
    public void Keys_from_a_pipe_give_lerobot_keyboard_ee_actions_and_events()
    {
        var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        using var keyboard = new KeyboardTeleoperator(client);
        // up, up, left, page up, 'o', 's'
        server.Write([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x44, 0x1B, 0x5B, 0x35, 0x7E, (byte)'o', (byte)'s']);
        server.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (keyboard.KeysRead < 6 && DateTime.UtcNow < deadline) Thread.Sleep(5);
        var action = keyboard.GetAction();
        Assert.Equal(1.0, action["delta_x"]);   // left → x +1
        Assert.Equal(-2.0, action["delta_y"]);  // up twice → y -2
        Assert.Equal(1.0, action["delta_z"]);   // page up → z +1
        Assert.Equal(2.0, action["gripper"]);   // open
        var events = keyboard.GetTeleopEvents();
        Assert.True(events[TeleopEvent.IsIntervention]);
        Assert.True(events[TeleopEvent.Success]);
        Assert.False(events[TeleopEvent.TerminateEpisode]);
        Assert.Equal(0.0, keyboard.GetAction()["delta_y"]); // consumed
        Assert.Equal(1.0, keyboard.GetAction()["gripper"]); // stay
        server.Dispose(); // end of input: the reader thread finishes before the client closes
    }
}
