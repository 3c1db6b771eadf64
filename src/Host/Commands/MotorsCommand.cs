using System.CommandLine;
using RobotActors.Devices;
using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors motors scan|ping|read|write --port ...`: one-off bus operations by register name.</summary>
public static class MotorsCommand
{
    private static readonly Option<string> Port = new("--port") { Description = "Serial port of the motor bus.", Required = true };
    private static readonly Option<string> Protocol = new("--protocol") { Description = "feetech or dynamixel.", DefaultValueFactory = _ => "feetech" };
    private static readonly Option<int> Baud = new("--baudrate") { Description = "Bus baud rate (one the servo family supports; `motors scan` finds it).", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<string?> Model = new("--model") { Description = "Servo model whose control table names the registers (default sts3215 / xl430-w250)." };
    private static readonly Option<int[]> Ids = new("--id")
    {
        Description = "Servo id(s): --id 1 2 3, --id 1,2,3 or --id 1 --id 2.", Required = true, AllowMultipleArgumentsPerToken = true,
        CustomParser = IdList.Parse,
    };
    private static readonly Option<string> RegisterName = new("--register") { Description = "Register name, e.g. Present_Position, Goal_Position, Torque_Enable.", Required = true };
    private static readonly Option<int> Value = new("--value") { Description = "Value to write (raw register units; negative values are sign-encoded).", Required = true };

    public static Command Create()
    {
        var motors = new Command("motors", "Scan, ping, read and write servos on a bus by register name.");
        motors.Add(Scan());
        motors.Add(Ping());
        motors.Add(Read());
        motors.Add(Write());
        return motors;
    }

    private static Command WithBusOptions(Command c)
    {
        c.Add(Port);
        c.Add(Protocol);
        c.Add(Baud);
        c.Add(Model);
        return c;
    }

    /// <summary>The rates LeRobot scans for each family: the ones its servos can be set to.</summary>
    private static IReadOnlyList<int> SupportedBaudRates(string protocol) => protocol == "dynamixel" ? DynamixelTables.ScanBaudRates : FeetechTables.ScanBaudRates;

    private static MotorsBus OpenBus(ParseResult parse)
    {
        var protocol = parse.GetValue(Protocol)!;
        var baud = parse.GetValue(Baud);
        if (protocol is "feetech" or "dynamixel" && !SupportedBaudRates(protocol).Contains(baud))
            throw new ArgumentException($"--baudrate {baud}: {protocol} servos do not run at that rate; supported: {string.Join(", ", SupportedBaudRates(protocol).Order())}. `robotactors motors scan --port {parse.GetValue(Port)}` tries them all.");
        return OpenBusAt(parse);
    }

    private static MotorsBus OpenBusAt(ParseResult parse) => parse.GetValue(Protocol) switch
    {
        "feetech" => new FeetechBus(SerialTransports.Open(parse.GetValue(Port)!, parse.GetValue(Baud)), [], protocolVersion: FeetechTables.IsScs(ModelOf(parse)) ? 1 : 0),
        "dynamixel" => new DynamixelBus(SerialTransports.Open(parse.GetValue(Port)!, parse.GetValue(Baud)), []),
        var other => throw new ArgumentException($"--protocol {other}: use feetech or dynamixel."),
    };

    private static string ModelOf(ParseResult parse) =>
        parse.GetValue(Model) ?? (parse.GetValue(Protocol) == "dynamixel" ? "xl430-w250" : "sts3215");

    /// <summary>Runs an operation and turns device errors into one clear line and exit code 1.</summary>
    internal static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (CalibrationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or ArgumentException or KeyNotFoundException or MotorErrorException or NotSupportedException or InvalidOperationException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static Command Scan()
    {
        var c = WithBusOptions(new Command("scan", "Broadcast-ping at every baud rate and list the servos that answer."));
        c.SetAction(parse => Guard(() =>
        {
            using var bus = OpenBus(parse);
            var results = BusScanner.Scan(bus, onBaudRate: b => Console.Error.Write($"\rscanning {b,8} baud"));
            Console.Error.WriteLine();
            if (results.Count == 0)
            {
                Console.WriteLine("No servo answered at any baud rate. Check power and cabling, and the port.");
                return 1;
            }
            foreach (var r in results)
                foreach (var (id, model) in r.Models)
                    Console.WriteLine($"baudrate={r.BaudRate} id={id} model={bus.ModelNameOf(model)} ({model})");
            return 0;
        }));
        return c;
    }

    private static Command Ping()
    {
        var c = WithBusOptions(new Command("ping", "Ping servo id(s) and print their model.")) ;
        c.Add(Ids);
        c.SetAction(parse => Guard(() =>
        {
            using var bus = OpenBus(parse);
            var failures = 0;
            foreach (var id in parse.GetValue(Ids)!)
            {
                var model = bus.Ping(id, numRetry: 2);
                Console.WriteLine(model is { } m ? $"id={id} model={bus.ModelNameOf(m)} ({m})" : $"id={id} no answer");
                if (model is null) failures++;
            }
            if (failures > 0)
                Console.Error.WriteLine($"hint: nothing answered at {parse.GetValue(Baud)} baud for {failures} id(s): check power and cabling, then run " +
                                        $"`robotactors motors scan --port {parse.GetValue(Port)} --protocol {parse.GetValue(Protocol)}` to find the servos' ids and baud rate.");
            return failures == 0 ? 0 : 1;
        }));
        return c;
    }

    private static Command Read()
    {
        var c = WithBusOptions(new Command("read", "Read a register by name from servo id(s)."));
        c.Add(Ids);
        c.Add(RegisterName);
        c.SetAction(parse => Guard(() =>
        {
            using var bus = OpenBus(parse);
            var reg = bus.TableFor(ModelOf(parse))[parse.GetValue(RegisterName)!];
            foreach (var id in parse.GetValue(Ids)!)
                Console.WriteLine($"id={id} {reg.Name}={reg.Decode(bus.ReadRaw(id, reg.Address, reg.Size, numRetry: 2))}");
            return 0;
        }));
        return c;
    }

    private static Command Write()
    {
        var c = WithBusOptions(new Command("write", "Write a register by name to servo id(s); the servo's status reply is checked."));
        c.Add(Ids);
        c.Add(RegisterName);
        c.Add(Value);
        c.SetAction(parse => Guard(() =>
        {
            using var bus = OpenBus(parse);
            var reg = bus.TableFor(ModelOf(parse))[parse.GetValue(RegisterName)!];
            var value = parse.GetValue(Value);
            foreach (var id in parse.GetValue(Ids)!)
            {
                bus.WriteRaw(id, reg.Address, reg.Size, reg.Encode(value), numRetry: 2);
                Console.WriteLine($"id={id} {reg.Name}<-{value}");
            }
            return 0;
        }));
        return c;
    }
}
