using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using System.Runtime.Serialization;

namespace RobotActors.Actors.Protocol;

/// <summary>
/// Serializes <see cref="IProtocolMessage"/> records as JSON with the type's short name as manifest.
/// Only types of this assembly that implement the marker can be produced, whatever the manifest says.
/// Parameterless messages are singletons and deserialize to their single instance.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    // Enums travel by name, so adding a state in a later version cannot shift the meaning of old numbers.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { Converters = { new JsonStringEnumConverter() } };

    private static readonly FrozenDictionary<string, Type> Types = typeof(IProtocolMessage).Assembly.GetTypes()
        .Where(t => typeof(IProtocolMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .ToFrozenDictionary(t => t.Name);

    public override int Identifier => 7301;

    public override string Manifest(object o) => o.GetType().Name;

    public override byte[] ToBinary(object obj) =>
        Singleton(obj.GetType()) is not null ? [] : JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type))
            throw new SerializationException($"Unknown RobotActors message type '{manifest}': the sending node runs a different RobotActors version; upgrade both to the same release.");
        return Singleton(type) ?? JsonSerializer.Deserialize(bytes, type, Json)
            ?? throw new SerializationException($"Empty payload for RobotActors message '{manifest}'.");
    }

    private static object? Singleton(Type type) =>
        type.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
}
