using System.CommandLine;
using RobotActors.Devices.Bench;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Serial;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors bench bus [--port p] --motors 6`: cycles/s and latency of sync read + sync write.</summary>
public static class BenchBusCommand
{
    public static Command Create()
    {
        var port = new Option<string?>("--port") { Description = "Bus to measure; without it an emulated bus is started on a pseudo-terminal." };
        var motors = new Option<int>("--motors") { Description = "Servos ids 1..N in each cycle.", DefaultValueFactory = _ => 6 };
        var seconds = new Option<double>("--seconds") { Description = "Measurement time.", DefaultValueFactory = _ => 5 };
        var baud = new Option<int>("--baudrate") { Description = "Bus baud rate.", DefaultValueFactory = _ => 1_000_000 };
        var transport = new Option<string>("--transport") { Description = "posix (termios + poll) or dotnet (System.IO.Ports).", DefaultValueFactory = _ => "posix" };
        var command = new Command("bus", "Sync read of N present positions + sync write of N goals: cycles per second and latency p50/p99.")
        {
            port, motors, seconds, baud, transport,
        };
        command.SetAction(parse => MotorsCommand.Guard(() =>
        {
            var n = parse.GetValue(motors);
            if (n is < 1 or > 252) throw new ArgumentException($"--motors {n}: give 1..252.");
            var kind = parse.GetValue(transport) switch
            {
                "posix" => SerialTransportKind.Posix,
                "dotnet" => SerialTransportKind.DotNet,
                var other => throw new ArgumentException($"--transport {other}: use posix or dotnet."),
            };
            ServoBusEmulator? emulator = null;
            var path = parse.GetValue(port);
            if (path is null)
            {
                emulator = ServoBusEmulator.ForArm(n);
                path = emulator.PortPath;
                Console.WriteLine($"No --port given: started an emulated bus of {n} STS3215 servos on {path} (pseudo-terminal, no wire time).");
            }
            try
            {
                using var bus = new FeetechBus(SerialTransports.Open(path, parse.GetValue(baud), kind), []);
                var r = BusBenchmark.Run(bus, Enumerable.Range(1, n).ToArray(), TimeSpan.FromSeconds(parse.GetValue(seconds)));
                Console.WriteLine($"bench bus: port={path} motors={r.Motors} transport={parse.GetValue(transport)}");
                Console.WriteLine($"  cycles          {r.Cycles} in {r.Seconds:F2} s");
                Console.WriteLine($"  cycles/s        {r.CyclesPerSecond:F0}");
                Console.WriteLine($"  latency p50     {r.P50Ms:F3} ms");
                Console.WriteLine($"  latency p99     {r.P99Ms:F3} ms");
                Console.WriteLine($"  latency max     {r.MaxMs:F3} ms");
                Console.WriteLine($"  bytes/cycle     {r.BytesPerCycle} (wire time at 1 Mbit/s: {r.WireMsAt1Mbps:F2} ms, a real bus tops out near {1000 / r.WireMsAt1Mbps:F0} cycles/s)");
                Console.WriteLine($"  bus counters    {r.Statistics}");
                if (emulator is not null)
                    Console.WriteLine("  note: a pseudo-terminal has no wire time, so these latencies are the software's share (client + emulator).");
                return 0;
            }
            finally
            {
                emulator?.Dispose();
            }
        }));
        return command;
    }
}
