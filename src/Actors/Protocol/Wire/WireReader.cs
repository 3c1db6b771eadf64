using System.Runtime.InteropServices;
using System.Text;

namespace RobotActors.Actors.Protocol.Wire;

/// <summary>Reads what <see cref="WireWriter"/> wrote, field by field; a truncated or oversized field fails with <see cref="WireFormatException"/>.</summary>
public sealed class WireReader
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly BinaryReader _reader;
    private readonly Stream _stream;

    private readonly Akka.Actor.ExtendedActorSystem? _system;

    public WireReader(Stream stream, Akka.Actor.ExtendedActorSystem? system = null)
    {
        _stream = stream;
        _system = system;
        _reader = new BinaryReader(stream, Utf8, leaveOpen: true);
    }

    /// <summary>An actor reference, resolved in the actor system that reads the message.</summary>
    public Akka.Actor.IActorRef ActorRef()
    {
        var path = _reader.ReadString();
        return (_system ?? throw new WireFormatException($"an actor reference ({path}) can only be read inside an actor system"))
            .Provider.ResolveActorRef(path);
    }

    public bool AtEnd => _stream.Position == _stream.Length;

    public bool Bool() => _reader.ReadBoolean();

    public byte Byte() => _reader.ReadByte();

    public int Int() => _reader.ReadInt32();

    public long Long() => _reader.ReadInt64();

    public float Float() => _reader.ReadSingle();

    public double Double() => _reader.ReadDouble();

    public string String() => _reader.ReadString();

    public string? OptionalString() => _reader.ReadBoolean() ? _reader.ReadString() : null;

    public DateTimeOffset Time()
    {
        var utcTicks = _reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(_reader.ReadInt16());
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    public TEnum Enum<TEnum>() where TEnum : struct, System.Enum
    {
        var name = _reader.ReadString();
        return System.Enum.TryParse<TEnum>(name, ignoreCase: false, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw new WireFormatException($"'{name}' is not a {typeof(TEnum).Name} this release knows ({string.Join(", ", System.Enum.GetNames<TEnum>())}).");
    }

    public byte[] Bytes()
    {
        var length = Count(1);
        return _reader.ReadBytes(length);
    }

    public float[] Floats()
    {
        var length = Count(sizeof(float));
        var values = new float[length];
        _reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public T? Optional<T>(Func<WireReader, T> read) where T : class => _reader.ReadBoolean() ? read(this) : null;

    public List<T> List<T>(Func<WireReader, T> read)
    {
        var count = Count(1);
        var items = new List<T>(count);
        for (var i = 0; i < count; i++) items.Add(read(this));
        return items;
    }

    public List<string> Strings() => List(r => r.String());

    public Dictionary<string, T> Map<T>(Func<WireReader, T> read)
    {
        var count = Count(1);
        var map = new Dictionary<string, T>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = _reader.ReadString();
            map[key] = read(this);
        }
        return map;
    }

    /// <summary>A count or length, checked against what is left, so a corrupt prefix cannot allocate gigabytes.</summary>
    private int Count(int minBytesEach)
    {
        var count = _reader.ReadInt32();
        var left = _stream.Length - _stream.Position;
        if (count < 0 || (long)count * minBytesEach > left)
            throw new WireFormatException($"a field claims {count} items but only {left} bytes are left");
        return count;
    }
}

/// <summary>Bytes that do not decode as the message their manifest names.</summary>
public sealed class WireFormatException(string message) : Exception(message);
