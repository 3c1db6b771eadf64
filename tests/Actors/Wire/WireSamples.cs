using System.Collections;
using System.Collections.Immutable;
using System.Reflection;

namespace RobotActors.Actors.Tests.Wire;

/// <summary>
/// Builds an instance of any message type from its constructor, with every field set to a value that
/// depends on the seed, so a round trip that drops, swaps or truncates a field shows. Variant "full" sets
/// every optional field; variant "empty" leaves optional ones null and collections empty.
/// </summary>
internal static class WireSamples
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The actor reference samples use; set by the test to one of its actor system's actors.</summary>
    public static Akka.Actor.IActorRef? ActorRef { get; set; }

    public static object Create(Type type, int seed, bool full)
    {
        if (type.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is { } singleton) return singleton;
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select((p, i) =>
            !full && Nullability.Create(p).WriteState == NullabilityState.Nullable ? null : Value(p.ParameterType, p.Name!, seed * 31 + i, full)).ToArray();
        return ctor.Invoke(args);
    }

    private static object? Value(Type type, string name, int seed, bool full)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null) return Value(nullable, name, seed, full);
        if (type == typeof(string)) return $"{name}-{seed}-é";
        if (type == typeof(bool)) return seed % 2 == 1;
        if (type == typeof(int)) return 1000 + seed;
        if (type == typeof(long)) return 1L << 40 | (long)seed;
        if (type == typeof(double)) return seed * 1.25 + 0.5;
        if (type == typeof(float)) return seed * 0.75f + 0.25f;
        if (type == typeof(byte)) return (byte)(seed % 251);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(2)).AddMilliseconds(seed * 1001);
        if (type == typeof(TimeSpan)) return TimeSpan.FromMilliseconds(seed * 13);
        if (type == typeof(RobotActors.Datasets.Images.ImageFrame))
            return new RobotActors.Datasets.Images.ImageFrame(2, 3, 1, Enumerable.Range(0, 6).Select(i => (byte)(i + seed)).ToArray());
        if (type == typeof(Akka.Actor.IActorRef)) return ActorRef ?? throw new InvalidOperationException("set WireSamples.ActorRef first");
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(seed % values.Length);
        }
        if (type == typeof(byte[])) return Enumerable.Range(0, full ? 7 + seed % 5 : 0).Select(i => (byte)(i * 37 + seed)).ToArray();
        if (type == typeof(int[])) return Enumerable.Range(0, full ? 1 + seed % 3 : 0).Select(i => i + seed).ToArray();
        if (type == typeof(float[])) return Enumerable.Range(0, full ? 3 + seed % 4 : 0).Select(i => i * 0.5f - seed).ToArray();
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IReadOnlyCollection<>))
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args[0]))!;
                for (var i = 0; i < (full ? 2 : 0); i++) list.Add(Value(args[0], name, seed + i + 1, full));
                return list;
            }
            if (definition == typeof(ImmutableList<>))
            {
                var items = Value(typeof(List<>).MakeGenericType(args[0]), name, seed, full);
                return typeof(ImmutableList).GetMethods().Single(m => m.Name == nameof(ImmutableList.CreateRange) && m.GetParameters().Length == 1)
                    .MakeGenericMethod(args[0]).Invoke(null, [items]);
            }
            if (definition == typeof(ImmutableDictionary<,>))
            {
                var map = Value(typeof(Dictionary<,>).MakeGenericType(args), name, seed, full);
                return typeof(ImmutableDictionary).GetMethods().Single(m => m.Name == nameof(ImmutableDictionary.CreateRange) && m.GetParameters().Length == 1)
                    .MakeGenericMethod(args).Invoke(null, [map]);
            }
            if (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>))
            {
                var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
                for (var i = 0; i < (full ? 2 : 0); i++) map.Add(Value(args[0], "key", seed + i, full)!, Value(args[1], name, seed + i + 3, full));
                return map;
            }
        }
        if (type.IsClass && !type.IsAbstract) return Create(type, seed, full);
        throw new NotSupportedException($"no sample for {type} ({name}); extend WireSamples");
    }
}
