namespace RobotActors.Devices.Motors;

/// <summary>What a scan found at one baud rate: servo id → model number.</summary>
public sealed record ScanResult(int BaudRate, SortedDictionary<int, int> Models);

/// <summary>LeRobot's scan_port: a broadcast ping at every baud rate the protocol supports.</summary>
public static class BusScanner
{
    public static List<ScanResult> Scan(MotorsBus bus, IEnumerable<int>? baudRates = null, Action<int>? onBaudRate = null)
    {
        var results = new List<ScanResult>();
        var original = bus.Transport.BaudRate;
        try
        {
            foreach (var baud in baudRates ?? bus.ScanBaudRates)
            {
                onBaudRate?.Invoke(baud);
                bus.Transport.BaudRate = baud;
                var found = bus.BroadcastPing(numRetry: 1);
                if (found.Count > 0)
                    results.Add(new ScanResult(baud, found));
            }
        }
        finally
        {
            bus.Transport.BaudRate = original;
        }
        return results;
    }
}
