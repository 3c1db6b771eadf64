using Akka.Actor;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;

namespace RobotActors.Actors.Tests;

/// <summary>Issue 12.9: `motors &lt;robot&gt; write` through a node's gateway: actuating, stale-checked, and inside the safety limits.</summary>
public sealed class ConsoleWriteTests
{
    [Fact]
    public async Task A_console_write_reaches_the_servos_inside_the_limits_and_a_stale_or_unsafe_one_reaches_nothing()
    {
        using var dir = new TempDir();
        var calibration = Path.Combine(dir.Path, "calibration");
        CalibrationFile.Save(Path.Combine(calibration, "w.json"), SimulatedArm.DefaultCalibration("so101_follower"));
        using var emu = ServoBusEmulator.ForArm(linkPath: Path.Combine(dir.Path, "w.tty"));
        await using var node = await EmulatedRobotNode.StartAsync(dir.Path, "w", emu.PortPath, calibration, "robotactors.gateway.max-command-age = 2s");
        await node.WaitForRobotStateAsync("w", DeviceState.Ready, TimeSpan.FromSeconds(20));
        Task<CommandReply> Run(string line, TimeSpan? age = null) => node.Gateway.Ask<CommandReply>(
            new RunCommand("motors", line.Split(' '), DateTimeOffset.UtcNow - (age ?? TimeSpan.Zero)), TimeSpan.FromSeconds(10));

        Assert.True((await node.System.ActorSelection("/user/gateway").Ask<CommandCatalog>(DescribeCommands.Instance, TimeSpan.FromSeconds(5)))
            .Commands.Single(c => c.Name == "motors").Actuates);

        var ok = await Run("w write P_Coefficient 20 --id 1,2");
        Assert.True(ok.Ok, ok.Text);
        Assert.Equal([20, 20, 16], new[] { 1, 2, 3 }.Select(id => emu.Servo(id).Get("P_Coefficient")));

        var writes = emu.Servos.Sum(s => s.WritesReceived);
        foreach (var (line, why) in new[]
                 {
                     ("w write Goal_Position 170 --id=2", "outside its joint limits"),
                     ("w write P_Coefficient 256", "does not fit the register"),
                     ("w write Homing_Offset 0", "`robotactors calibrate` writes calibration"),
                     ("w write Goal_Position ten", "usage: motors <robot> write"),
                 })
        {
            var refused = await Run(line);
            Assert.False(refused.Ok, line);
            Assert.Contains(why, refused.Text);
        }
        var stale = await Run("w write P_Coefficient 30", age: TimeSpan.FromSeconds(5));
        Assert.False(stale.Ok);
        Assert.Contains("refused", stale.Text);
        Assert.Equal(writes, emu.Servos.Sum(s => s.WritesReceived));
        Assert.Equal(20, emu.Servo(1).Get("P_Coefficient"));

        var goal = await Run("w write Goal_Position 30 --id 1");
        Assert.True(goal.Ok, goal.Text);
        Assert.Equal(2048 + (int)(30 * 4095 / 360.0), emu.Servo(1).Get("Goal_Position"));
    }
}
