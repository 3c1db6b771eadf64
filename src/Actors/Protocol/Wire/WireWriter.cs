using System.Runtime.InteropServices;
using System.Text;

namespace RobotActors.Actors.Protocol.Wire;

/// <summary>
/// Writes the fields of one message, little-endian, in the order its codec lists them. Strings are
/// length-prefixed UTF-8, collections are count-prefixed, enums travel by name (adding a member in a
/// later release cannot shift the meaning of old data), maps are written in ordinal key order so equal
/// messages always give equal bytes, and byte and float arrays are copied as raw memory.
/// </summary>
public sealed class WireWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly BinaryWriter _writer;

    public WireWriter(Stream stream) => _writer = new BinaryWriter(stream, Utf8, leaveOpen: true);

    /// <summary>An actor reference as its full path with address and uid, as Akka's own serializers write it.</summary>
    public void ActorRef(Akka.Actor.IActorRef actor) => _writer.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    public void Bool(bool value) => _writer.Write(value);

    public void Byte(byte value) => _writer.Write(value);

    public void Int(int value) => _writer.Write(value);

    public void Long(long value) => _writer.Write(value);

    public void Float(float value) => _writer.Write(value);

    public void Double(double value) => _writer.Write(value);

    public void String(string value) => _writer.Write(value);

    public void OptionalString(string? value)
    {
        _writer.Write(value is not null);
        if (value is not null) _writer.Write(value);
    }

    /// <summary>A point in time as UTC ticks and the offset in minutes, so the value reads back exactly as written.</summary>
    public void Time(DateTimeOffset value)
    {
        _writer.Write(value.UtcTicks);
        _writer.Write((short)value.Offset.TotalMinutes);
    }

    public void Enum<TEnum>(TEnum value) where TEnum : struct, System.Enum => _writer.Write(value.ToString());

    public void Bytes(ReadOnlySpan<byte> value)
    {
        _writer.Write(value.Length);
        _writer.Write(value);
    }

    public void Floats(ReadOnlySpan<float> value)
    {
        _writer.Write(value.Length);
        _writer.Write(MemoryMarshal.AsBytes(value));
    }

    public void Optional<T>(T? value, Action<WireWriter, T> write) where T : class
    {
        _writer.Write(value is not null);
        if (value is not null) write(this, value);
    }

    public void List<T>(IReadOnlyCollection<T> items, Action<WireWriter, T> write)
    {
        _writer.Write(items.Count);
        foreach (var item in items) write(this, item);
    }

    public void Strings(IReadOnlyCollection<string> items) => List(items, (w, s) => w.String(s));

    public void Map<T>(IReadOnlyDictionary<string, T> map, Action<WireWriter, T> write)
    {
        _writer.Write(map.Count);
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            _writer.Write(key);
            write(this, value);
        }
    }

    public void Flush() => _writer.Flush();
}
