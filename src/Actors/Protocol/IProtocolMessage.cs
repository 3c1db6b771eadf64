namespace RobotActors.Actors.Protocol;

/// <summary>
/// Marks a message that crosses nodes (or reaches the console). Every such message is bound to
/// <see cref="ProtocolSerializer"/> in node.conf, so what goes on the wire is explicit and versionable,
/// never a polymorphic serializer that would instantiate whatever type a peer names.
/// </summary>
public interface IProtocolMessage;
