namespace RobotActors.Devices;

/// <summary>The port cannot be opened or vanished (unplugged cable): the bus must be reconnected.</summary>
public class MotorBusConnectionException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>No valid reply after the allowed retries (LeRobot's "There is no status packet" / "Incorrect status packet").</summary>
public class MotorBusCommunicationException(string message, Exception? inner = null) : MotorBusConnectionException(message, inner);

/// <summary>A reply arrived but failed its checksum or framing.</summary>
public class CorruptPacketException(string message) : IOException(message);

/// <summary>A servo answered with error bits set (overload, overheat, voltage, ...).</summary>
public class MotorErrorException(string motor, int id, string errors) : Exception($"Motor '{motor}' (id {id}) reported: {errors}.")
{
    public string Motor { get; } = motor;
    public int Id { get; } = id;
}
