using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Tests.Wire;

/// <summary>
/// Every message that crosses nodes or goes into a journal, found by reflection, goes through the binary
/// serializer bound in node.conf and comes back equal; a new message type without a manifest fails here.
/// </summary>
public sealed class ProtocolSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer", ProtocolSerializer.Hocon);

    public ProtocolSerializerTests() => WireSamples.ActorRef = _system.ActorOf(Props.Empty, "sample");

    public static IEnumerable<Type> WireTypes() => typeof(IProtocolMessage).Assembly.GetTypes()
        .Where(t => (typeof(IProtocolMessage).IsAssignableFrom(t) || typeof(IJournaled).IsAssignableFrom(t)) && t is { IsAbstract: false, IsInterface: false })
        .OrderBy(t => t.FullName, StringComparer.Ordinal);

    public static TheoryData<string> WireTypeNames() => new(WireTypes().Select(t => t.FullName!));

    private static readonly JsonSerializerOptions Json = new() { Converters = { new ActorRefAsPath() } };

    /// <summary>Compares actor references by their full path (an actor reference's object graph is not JSON).</summary>
    private sealed class ActorRefAsPath : System.Text.Json.Serialization.JsonConverter<IActorRef>
    {
        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) => writer.WriteStringValue(value.Path.ToSerializationFormat());
    }

    private object RoundTrip(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var manifest = Serialization.ManifestFor(serializer, message);
        return _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    [Theory]
    [MemberData(nameof(WireTypeNames))]
    public void Every_wire_type_has_a_manifest_and_survives_a_round_trip_with_every_field(string typeName)
    {
        var type = WireTypes().Single(t => t.FullName == typeName);
        Assert.True(WireFormat.Default.Knows(type), $"{type.Name} crosses nodes or goes into a journal but has no manifest in any IWireFamily");
        foreach (var full in new[] { true, false })
        {
            var sent = WireSamples.Create(type, seed: 3, full);
            var received = RoundTrip(sent);
            Assert.IsType(type, received);
            Assert.Equal(JsonSerializer.Serialize(sent, type, Json), JsonSerializer.Serialize(received, type, Json));
        }
    }

    [Fact]
    public void Singletons_stay_singletons_and_manifests_are_unique_and_versioned()
    {
        Assert.Same(DescribeCommands.Instance, RoundTrip(DescribeCommands.Instance));
        Assert.Same(ListRobots.Instance, RoundTrip(ListRobots.Instance));
        var manifests = WireFormat.Default.Manifests.ToList();
        Assert.Equal(manifests.Count, manifests.Distinct().Count());
        Assert.All(manifests, m => Assert.Matches(@"^ra\.[a-z-]+\.[a-z-]+\.v\d+$", m));
        // Nothing in the table that reflection does not also find: the two lists are the same set.
        Assert.Equal(WireTypes().ToHashSet(), WireFormat.Default.Types.ToHashSet());
    }

    [Fact]
    public void An_unknown_manifest_is_rejected_naming_it_and_asking_for_the_same_release()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(RunCommand));
        var ex = Assert.Throws<UnknownManifestException>(() => serializer.FromBinary([1, 2, 3], "ra.console.launch-missiles.v1"));
        Assert.Contains("'ra.console.launch-missiles.v1'", ex.Message);
        Assert.Contains("same RobotActors release", ex.Message);
    }

    [Fact]
    public void Truncated_or_padded_bytes_are_refused_rather_than_misread()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(RunCommand));
        var bytes = serializer.ToBinary(new RunCommand("status", ["a"], DateTimeOffset.UnixEpoch));
        Assert.Throws<WireFormatException>(() => serializer.FromBinary(bytes[..^3], "ra.console.run-command.v1"));
        Assert.Throws<WireFormatException>(() => serializer.FromBinary([.. bytes, 0], "ra.console.run-command.v1"));
        // A count prefix that claims more items than there are bytes does not allocate them.
        Assert.Throws<WireFormatException>(() => serializer.FromBinary([6, .. "status"u8, 0xFF, 0xFF, 0xFF, 0x7F], "ra.console.run-command.v1"));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
