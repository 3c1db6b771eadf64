using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace RobotActors.Host;

/// <summary>
/// `--help` for every command: System.CommandLine's text without its "Additional Arguments: Arguments
/// passed to the application that is being run." boilerplate (its help layout is not public, so the text
/// is edited). A command that takes extra tokens (train's --policy.* fields) says what they are with
/// <see cref="DescribeExtraArguments"/>.
/// </summary>
public static class CliHelp
{
    private const string BoilerplateTitle = "Additional Arguments:";
    private const string BoilerplateUsage = " [[--] <additional arguments>...]]";
    private sealed record ExtraArguments(string Usage, string Section);

    private static readonly ConditionalWeakTable<Command, ExtraArguments> Extra = new();

    /// <summary>Replaces the boilerplate of <paramref name="command"/>: <paramref name="usage"/> in its usage line, a section of its own below the options.</summary>
    public static void DescribeExtraArguments(Command command, string usage, string title, string text) =>
        Extra.AddOrUpdate(command, new ExtraArguments(usage, $"{title}:\n{string.Join('\n', text.Split('\n').Select(l => "  " + l))}"));

    /// <summary>Installs the edited help on the root's (recursive) help option.</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new EditedHelp((SynchronousCommandLineAction)help.Action!);
    }

    /// <summary>The help text of <paramref name="command"/> with the boilerplate replaced or removed.</summary>
    public static string Edit(string text, Command command)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
        var extra = Extra.TryGetValue(command, out var e) ? e : null;
        for (var i = 0; i < lines.Count; i++)
            if (lines[i].EndsWith(BoilerplateUsage, StringComparison.Ordinal))
                lines[i] = lines[i][..^BoilerplateUsage.Length] + (extra is { } x ? " " + x.Usage : "");
        var title = lines.IndexOf(BoilerplateTitle);
        if (title >= 0)
        {
            // The section is its title, its one boilerplate line, and the blank line after it.
            var end = title + 1;
            while (end < lines.Count && lines[end].StartsWith("  ", StringComparison.Ordinal)) end++;
            lines.RemoveRange(title, end - title);
            if (extra is { } x) lines.InsertRange(title, x.Section.Split('\n'));
            else if (title < lines.Count && lines[title].Length == 0 && title > 0 && lines[title - 1].Length == 0) lines.RemoveAt(title);
        }
        return string.Join('\n', lines);
    }

    private sealed class EditedHelp(SynchronousCommandLineAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            using var text = new StringWriter();
            configuration.Output = text;
            int code;
            try
            {
                code = standard.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }
            output.Write(Edit(text.ToString(), parseResult.CommandResult.Command));
            return code;
        }
    }
}
