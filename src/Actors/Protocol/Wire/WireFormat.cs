namespace RobotActors.Actors.Protocol.Wire;

/// <summary>
/// The table of every message that crosses nodes or goes into a journal: for each type, its manifest and
/// its codec. A manifest is written once and never changes (e.g. "ra.session.step.v1"); a new layout of a
/// message gets a new manifest (".v2") and the old reader stays, so journals written by an older release
/// still read. Families add their messages in one place each (<see cref="IWireFamily"/>).
/// </summary>
public sealed class WireFormat
{
    private readonly Dictionary<Type, Entry> _byType = new();
    private readonly Dictionary<string, Entry> _byManifest = new(StringComparer.Ordinal);

    private sealed record Entry(string Manifest, Type Type, Action<WireWriter, object> Write, Func<WireReader, object> Read);

    public IEnumerable<string> Manifests => _byManifest.Keys;

    public IEnumerable<Type> Types => _byType.Keys;

    public WireFormat Add<T>(string manifest, Action<WireWriter, T> write, Func<WireReader, T> read) where T : notnull
    {
        if (!manifest.StartsWith("ra.", StringComparison.Ordinal) || !System.Text.RegularExpressions.Regex.IsMatch(manifest, @"\.v\d+$"))
            throw new ArgumentException($"manifest '{manifest}' must look like ra.<family>.<message>.v<N>");
        var entry = new Entry(manifest, typeof(T), (w, o) => write(w, (T)o), r => read(r));
        if (!_byType.TryAdd(typeof(T), entry)) throw new ArgumentException($"{typeof(T).Name} has two manifests");
        if (!_byManifest.TryAdd(manifest, entry)) throw new ArgumentException($"manifest '{manifest}' is used twice");
        return this;
    }

    /// <summary>
    /// The reader of a manifest this release no longer writes (its type moved on to a newer layout): what an older
    /// peer sends, or an older journal holds, still reads, as the type's present shape.
    /// </summary>
    public WireFormat AddLegacyReader<T>(string manifest, Func<WireReader, T> read) where T : notnull
    {
        if (!_byType.TryGetValue(typeof(T), out var current))
            throw new ArgumentException($"add {typeof(T).Name}'s present manifest before its legacy reader {manifest}");
        var entry = new Entry(manifest, typeof(T), (_, _) => throw new InvalidOperationException($"{manifest} is read only; {typeof(T).Name} is written as {current.Manifest}"), r => read(r));
        if (!_byManifest.TryAdd(manifest, entry)) throw new ArgumentException($"manifest '{manifest}' is used twice");
        return this;
    }

    /// <summary>A parameterless message: no bytes, and it reads back as its single instance.</summary>
    public WireFormat AddSingleton<T>(string manifest, T instance) where T : notnull => Add(manifest, (_, _) => { }, _ => instance);

    public bool Knows(Type type) => _byType.ContainsKey(type);

    public string ManifestOf(Type type) => _byType.TryGetValue(type, out var e) ? e.Manifest
        : throw new ArgumentException($"{type.FullName} has no wire manifest; add it to its family's IWireFamily.Register.");

    public byte[] Write(object message)
    {
        var entry = _byType.TryGetValue(message.GetType(), out var e) ? e
            : throw new ArgumentException($"{message.GetType().FullName} has no wire manifest; add it to its family's IWireFamily.Register.");
        using var stream = new MemoryStream();
        var writer = new WireWriter(stream);
        entry.Write(writer, message);
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads one message; every byte must belong to it.</summary>
    public object Read(ReadOnlyMemory<byte> bytes, string manifest, Akka.Actor.ExtendedActorSystem? system = null)
    {
        if (!_byManifest.TryGetValue(manifest, out var entry))
            throw new UnknownManifestException(manifest);
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        var reader = new WireReader(stream, system);
        object message;
        try
        {
            message = entry.Read(reader);
        }
        catch (EndOfStreamException)
        {
            throw new WireFormatException($"'{manifest}' ended early after {stream.Position} of {bytes.Length} bytes: the data is truncated or was written by another release.");
        }
        if (!reader.AtEnd)
            throw new WireFormatException($"'{manifest}' has {stream.Length - stream.Position} bytes left over after the message: it was written by another release.");
        return message;
    }

    /// <summary>Every family of this release, in one table.</summary>
    public static WireFormat Default { get; } = Build();

    private static WireFormat Build()
    {
        var format = new WireFormat();
        foreach (var family in typeof(WireFormat).Assembly.GetTypes()
                     .Where(t => typeof(IWireFamily).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
            ((IWireFamily)Activator.CreateInstance(family)!).Register(format);
        return format;
    }
}

/// <summary>One protocol's messages (console, robot, session, transitions, weights) and their codecs.</summary>
public interface IWireFamily
{
    void Register(WireFormat format);
}

/// <summary>A manifest this release does not know: the peer or the journal comes from another release.</summary>
public sealed class UnknownManifestException(string manifest) : Exception(
    $"Unknown RobotActors message manifest '{manifest}': it was written by a different RobotActors release. " +
    "Both nodes must run the same RobotActors release (and a journal is read by the release that wrote it or a newer one); upgrade them together.")
{
    public string Manifest { get; } = manifest;
}
