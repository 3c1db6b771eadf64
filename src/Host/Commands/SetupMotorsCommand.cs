using System.CommandLine;
using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Serial;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors setup-motors --robot.type ... --robot.port ...`: set every servo's id and baud rate, one at a time, gripper first.</summary>
public static class SetupMotorsCommand
{
    public static Command Create()
    {
        var robot = new ArmOptions("robot", required: false);
        var teleop = new ArmOptions("teleop", required: false);
        var yes = new Option<bool>("--yes") { Description = "Do not wait for Enter between motors (scripted use)." };
        var only = new Option<string?>("--motor") { Description = "Set up only this motor (e.g. gripper)." };
        var command = new Command("setup-motors", "Give each servo of an arm its id and the default baud rate (connect one motor at a time).") { yes, only };
        robot.AddTo(command);
        teleop.AddTo(command);
        command.SetAction(parse => MotorsCommand.Guard(() =>
        {
            var config = ArmOptions.ReadOne(parse, robot, teleop);
            var spec = ArmSpec.For(config.Type);
            using var transport = SerialTransports.Open(config.Port, 1_000_000);
            MotorsBus bus = spec.Protocol == BusProtocol.Feetech ? new FeetechBus(transport, []) : new DynamixelBus(transport, []);
            foreach (var (name, id, model) in spec.Motors.Reverse())
            {
                if (parse.GetValue(only) is { } wanted && wanted != name) continue;
                Console.WriteLine($"Connect the controller board to the '{name}' motor only and press enter.");
                if (!parse.GetValue(yes)) Console.ReadLine();
                var (foundId, foundBaud) = MotorSetup.SetupMotor(bus, name, id, model);
                Console.WriteLine($"'{name}' motor id set to {id} (was id {foundId} at {foundBaud} baud)");
            }
            return 0;
        }));
        return command;
    }
}
