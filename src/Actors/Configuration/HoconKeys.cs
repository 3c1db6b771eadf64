using Akka.Configuration.Hocon;

namespace RobotActors.Actors.Configuration;

/// <summary>The leaf keys of a HOCON tree ("akka.remote.dot-netty.tcp.port"): objects are walked, lists and literals are leaves.</summary>
public static class HoconKeys
{
    public static IEnumerable<string> Leaves(HoconValue? value, string prefix = "")
    {
        if (value is null) yield break;
        if (!value.IsObject())
        {
            if (prefix.Length > 0) yield return prefix;
            yield break;
        }
        foreach (var (name, child) in value.GetObject().Items)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            foreach (var leaf in Leaves(child, path)) yield return leaf;
        }
    }
}
