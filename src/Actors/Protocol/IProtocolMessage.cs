namespace RobotActors.Actors.Protocol;

/// <summary>
/// Marks a message that crosses nodes (or reaches the console). Every such message has a fixed manifest
/// and a binary codec in <see cref="Wire.WireFormat"/>, bound to <see cref="ProtocolSerializer"/> in
/// node.conf, so what goes on the wire is explicit and versioned, never a polymorphic serializer that
/// would instantiate whatever type a peer names.
/// </summary>
public interface IProtocolMessage;

/// <summary>Marks an event or snapshot that goes into a journal; bound to the same serializer as <see cref="IProtocolMessage"/>.</summary>
public interface IJournaled;
