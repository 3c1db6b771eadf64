using Akka.Actor;
using Akka.Serialization;
using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Protocol;

/// <summary>
/// The binary serializer of every <see cref="IProtocolMessage"/> (crosses nodes) and <see cref="IJournaled"/>
/// (goes into a journal): the fixed manifest of <see cref="WireFormat"/> and its field-by-field encoding,
/// with frames and tensors as raw bytes. Only types in that table can be produced, whatever a peer sends.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The bindings for an actor system outside node.conf (the console's).</summary>
    public const string Hocon = """
        akka.actor.serializers.robotactors = "RobotActors.Actors.Protocol.ProtocolSerializer, RobotActors.Actors"
        akka.actor.serialization-bindings {
          "RobotActors.Actors.Protocol.IProtocolMessage, RobotActors.Actors" = robotactors
          "RobotActors.Actors.Protocol.IJournaled, RobotActors.Actors" = robotactors
        }
        """;

    public override int Identifier => 7301;

    public override string Manifest(object o) => WireFormat.Default.ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => WireFormat.Default.Write(obj);

    public override object FromBinary(byte[] bytes, string manifest) => WireFormat.Default.Read(bytes, manifest, system);
}
