using System.CommandLine;
using RobotActors.Devices.Serial;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors find-port`: which port disappears when the bus's USB cable is unplugged (LeRobot's lerobot-find-port).</summary>
public static class FindPortCommand
{
    public static Command Create()
    {
        var command = new Command("find-port", "Find the serial port of a motor bus: list ports, unplug the cable, list again.");
        command.SetAction(_ =>
        {
            var ports = PortFinder.Find();
            var before = ports.Select(p => p.Path).ToList();
            Console.WriteLine("Ports before disconnecting: " + string.Join(", ", ports.Select(p => $"{p.Path} ({p.Kind})")));
            Console.WriteLine("Remove the USB cable from your MotorsBus and press Enter when done.");
            Console.ReadLine();
            Thread.Sleep(500); // let the kernel remove the device node
            var after = PortFinder.ListPorts();
            var gone = before.Except(after).ToList();
            if (gone.Count == 1)
            {
                Console.WriteLine($"The port of this MotorsBus is '{gone[0]}'");
                Console.WriteLine("Reconnect the USB cable.");
                return 0;
            }
            Console.Error.WriteLine(gone.Count == 0
                ? "Could not detect the port: no port disappeared. Is the bus connected by USB?"
                : $"Could not detect the port: several disappeared ({string.Join(", ", gone)}). Unplug only the bus.");
            return 1;
        });
        return command;
    }
}
