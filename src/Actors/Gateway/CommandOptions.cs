using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway;

/// <summary>
/// Options of console commands, declared as an argument named "--name &lt;value&gt;" (e.g. "--task &lt;task&gt;"). The
/// console sends words; `--task push_cube` and `--task=push_cube` both become the one argument "--task=push_cube",
/// so the gateway counts an option as one argument and a command reads its options in one place.
/// </summary>
public static class CommandOptions
{
    public static IReadOnlyList<string> Join(IReadOnlyList<string> words, CommandDescriptor descriptor)
    {
        var joined = new List<string>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith("--", StringComparison.Ordinal) && !word.Contains('=') && i + 1 < words.Count
                && descriptor.Arguments.Any(a => a.Name.StartsWith(word + " ", StringComparison.OrdinalIgnoreCase)))
            {
                joined.Add($"{word}={words[++i]}");
                continue;
            }
            joined.Add(word);
        }
        return joined;
    }

    /// <summary>The plain words in order, and the options by name without the dashes (lower case).</summary>
    public static (IReadOnlyList<string> Positional, IReadOnlyDictionary<string, string> Options) Split(IReadOnlyList<string> arguments)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in arguments)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=');
                options[eq < 0 ? a[2..] : a[2..eq]] = eq < 0 ? "" : a[(eq + 1)..];
            }
            else positional.Add(a);
        }
        return (positional, options);
    }
}
