using Akka.Actor;
using Akka.Serialization;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Tests;

public sealed class ProtocolSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer", """
        akka.actor.serializers.robotactors = "RobotActors.Actors.Protocol.ProtocolSerializer, RobotActors.Actors"
        akka.actor.serialization-bindings { "RobotActors.Actors.Protocol.IProtocolMessage, RobotActors.Actors" = robotactors }
        """);

    private object RoundTrip(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var manifest = Serialization.ManifestFor(serializer, message);
        return _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    [Fact]
    public void Protocol_messages_survive_the_wire_and_singletons_stay_singletons()
    {
        Assert.Same(DescribeCommands.Instance, RoundTrip(DescribeCommands.Instance));

        var sent = new RunCommand("motors", ["so101", "read", "Present_Position"], DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
        var received = Assert.IsType<RunCommand>(RoundTrip(sent));
        Assert.Equal(sent.Name, received.Name);
        Assert.Equal(sent.Arguments, received.Arguments);
        Assert.Equal(sent.SentAt, received.SentAt);

        var catalog = new CommandCatalog("akka.tcp://robotactors@127.0.0.1:4053", "1.0", [new CommandDescriptor("status", "s", [new CommandArgument("id", "h", false)], true)]);
        var back = Assert.IsType<CommandCatalog>(RoundTrip(catalog));
        Assert.Equal("status", back.Commands[0].Name);
        Assert.False(back.Commands[0].Arguments[0].Required);
        Assert.True(back.Commands[0].Actuates);
    }

    [Fact]
    public void An_unknown_manifest_is_rejected_with_a_version_hint()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(RunCommand));
        var ex = Assert.ThrowsAny<Exception>(() => serializer.FromBinary("{}"u8.ToArray(), "LaunchMissiles"));
        Assert.Contains("LaunchMissiles", ex.Message);
        Assert.Contains("version", ex.Message);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
