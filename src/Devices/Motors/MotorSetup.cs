using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;

namespace RobotActors.Devices.Motors;

/// <summary>
/// LeRobot's setup_motor: with exactly one servo on the bus, find it at whatever id and baud rate
/// it has, then give it the target id and the bus's default baud rate.
/// </summary>
public static class MotorSetup
{
    public static (int FoundId, int FoundBaud) SetupMotor(MotorsBus bus, string motorName, int targetId, string model)
    {
        var results = BusScanner.Scan(bus);
        var all = results.SelectMany(r => r.Models.Select(m => (r.BaudRate, Id: m.Key, Model: m.Value))).ToList();
        if (all.Count == 0)
            throw new MotorBusConnectionException(
                $"Motor '{motorName}' (model '{model}') was not found at any baud rate. Connect the controller board to this motor only, check its power supply, and try again.");
        if (all.Count > 1)
            throw new InvalidOperationException(
                $"Found {all.Count} servos ({string.Join(", ", all.Select(a => $"id {a.Id} at {a.BaudRate}"))}); connect only the '{motorName}' motor.");
        var (baud, id, modelNumber) = all[0];
        if (modelNumber != bus.ModelNumberOf(model))
            throw new InvalidOperationException($"The connected servo is a {bus.ModelNameOf(modelNumber)}, but '{motorName}' should be a {model}.");
        var table = bus.TableFor(model);
        bus.Transport.BaudRate = baud;
        // Torque off (and, on Feetech, the EPROM unlocked) before changing id and baud rate.
        bus.WriteRaw(id, table["Torque_Enable"].Address, 1, 0, 2);
        if (table.Contains("Lock")) bus.WriteRaw(id, table["Lock"].Address, 1, 0, 2);
        if (id != targetId) bus.WriteRaw(id, table["ID"].Address, 1, targetId, 2);
        var code = bus is FeetechBus
            ? FeetechTables.BaudRateCode(bus.DefaultBaudRate)
            : DynamixelTables.BaudRateCodes.First(kv => kv.Value == bus.DefaultBaudRate).Key;
        if (baud != bus.DefaultBaudRate)
        {
            try { bus.WriteRaw(targetId, table["Baud_Rate"].Address, 1, code, 0); }
            catch (MotorBusCommunicationException) { /* the reply may come at the new rate */ }
        }
        bus.Transport.BaudRate = bus.DefaultBaudRate;
        if (bus.Ping(targetId, numRetry: 2) is null)
            throw new MotorBusCommunicationException($"'{motorName}' does not answer as id {targetId} at {bus.DefaultBaudRate} baud after setup. Power-cycle it and run setup-motors again.");
        return (id, baud);
    }
}
