using Akka.Actor;
using RobotActors.Actors.Console;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;

namespace RobotActors.Actors.Tests;

/// <summary>
/// Issue 12.2 (and 12.1 on the node): a real (emulated) arm with no valid calibration file never gets an
/// improvised calibration from a node. It is NotCalibrated with the command that fixes it, nothing is sent
/// to its bus, and it connects once a valid file appears.
/// </summary>
public sealed class RobotCalibrationTests
{
    [Fact]
    public async Task An_uncalibrated_arm_is_NotCalibrated_with_the_fix_touches_nothing_and_connects_once_a_valid_file_appears()
    {
        using var dir = new TempDir();
        var calibration = Path.Combine(dir.Path, "calibration");
        var port = Path.Combine(dir.Path, "c.tty");
        using var emu = ServoBusEmulator.ForArm(linkPath: port);
        await using var node = await EmulatedRobotNode.StartAsync(dir.Path, "c", port, calibration,
            "robotactors.device { poll-interval = 50ms, min-backoff = 100ms, max-backoff = 1s }");

        var waiting = await node.WaitForRobotStateAsync("c", DeviceState.NotCalibrated, TimeSpan.FromSeconds(10));
        var motors = waiting.Devices.Single(d => d.Name == RobotSupervisor.MotorsDevice);
        Assert.Contains($"robotactors calibrate --robot.type so101_follower --robot.port {port} --robot.id c --robot.calibration_dir {calibration}", motors.Detail);

        // `robot c status` on the console says so.
        await using (var console = ConsoleConnection.Open("127.0.0.1", node.Address.Port!.Value, node.Settings.SystemName, TimeSpan.FromSeconds(10)))
        {
            var reply = await console.RunAsync(["robot", "c", "status"]);
            Assert.Contains("robot c (so101_follower on " + port + "): NotCalibrated", reply.Text);
            Assert.Contains("robotactors calibrate --robot.type so101_follower", reply.Text);
        }
        var refused = await node.System.ActorSelection("/user/robots").Ask<object>(new ReadMotors("c", "Present_Position"), TimeSpan.FromSeconds(5));
        Assert.Contains("motors-main is not calibrated", Assert.IsType<RobotCommandFailed>(refused).Reason);

        // It does not loop: no reconnects, and not a byte reached the bus (no ranges were recorded, nothing was written).
        await Task.Delay(1500);
        var still = await node.RobotStatusAsync("c");
        Assert.Equal(DeviceState.NotCalibrated, still.State);
        Assert.Equal(0, still.Devices.Single(d => d.Name == RobotSupervisor.MotorsDevice).Reconnects);
        Assert.Equal(0, emu.PacketsReceived);

        // An invalid file is refused the same way, naming the motor and the key.
        Directory.CreateDirectory(calibration);
        var file = Path.Combine(calibration, "c.json");
        var valid = SimulatedArm.DefaultCalibration("so101_follower");
        File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(valid).Replace("\"range_max\":3072", "\"range_maxx\":3072"));
        await WaitForDetail(node, "shoulder_pan: unknown key 'range_maxx' (did you mean 'range_max'?)");
        Assert.Equal(0, emu.Servos.Sum(s => s.WritesReceived));

        // A valid one is picked up without a restart and written to the servos.
        CalibrationFile.Save(file, valid);
        await node.WaitForRobotStateAsync("c", DeviceState.Ready, TimeSpan.FromSeconds(10));
        Assert.Equal(1024, emu.Servo(1).Get("Min_Position_Limit"));
        Assert.Equal(3072, emu.Servo(1).Get("Max_Position_Limit"));
    }

    private static async Task WaitForDetail(RobotActorsNode node, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var status = await node.RobotStatusAsync("c");
            var detail = status.Devices.Single(d => d.Name == RobotSupervisor.MotorsDevice).Detail ?? "";
            if (status.State == DeviceState.NotCalibrated && detail.Contains(text)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"robot c is {status.State} ({detail}), expected NotCalibrated with \"{text}\"");
            await Task.Delay(50);
        }
    }
}
