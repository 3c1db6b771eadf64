using RobotActors.Actors.Console;
using RobotActors.Actors.Protocol;
using RobotActors.Host.Commands;

namespace RobotActors.Host.ConsoleUi;

/// <summary>
/// The interactive console. Its help comes from the node's own command catalog, fetched on connect
/// and on every `help`, so commands a newer node adds show up without a console upgrade.
/// </summary>
public sealed class ConsoleRepl(ConsoleConnection connection)
{
    private static readonly (string Name, string Help)[] LocalCommands =
    [
        ("help [command]", "List the node's commands, or describe one."),
        ("history", "Show the commands typed so far."),
        ("exit", "Leave the console (also: quit, Ctrl+D)."),
    ];

    public async Task<int> RunAsync()
    {
        var catalog = await connection.DescribeAsync();
        Console.WriteLine($"Connected to {catalog.Node} (RobotActors {catalog.Version}). Type 'help' for commands, 'exit' to leave.");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var editor = new LineEditor(string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".robotactors_history"));

        while (editor.ReadLine($"robotactors@{connection.Contact}> ") is { } line)
        {
            var words = Words(line);
            if (words.Count == 0) continue;
            try
            {
                switch (words[0].ToLowerInvariant())
                {
                    case "exit" or "quit":
                        return ExitCodes.Ok;
                    case "help":
                        catalog = await connection.DescribeAsync();
                        PrintHelp(catalog, words.Skip(1).ToList(), interactive: true);
                        break;
                    case "history":
                        for (var i = 0; i < editor.History.Count; i++) Console.WriteLine($"{i + 1,5}  {editor.History[i]}");
                        break;
                    default:
                        ConsoleCommand.Print(await connection.RunAsync(words), json: false);
                        break;
                }
            }
            catch (NoNodeAnsweredException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>The node's commands (or one of them), from its catalog; the same in one-shot and interactive mode. False for an unknown topic.</summary>
    internal static bool PrintHelp(CommandCatalog catalog, IReadOnlyList<string> topic, bool interactive)
    {
        if (topic.Count > 0)
        {
            var name = string.Join(' ', topic);
            var found = catalog.Commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (found is null)
            {
                Console.WriteLine($"No command '{name}' on this node. Type 'help' for the list.");
                return false;
            }
            Console.WriteLine($"{found.Usage}\n  {found.Summary}");
            foreach (var a in found.Arguments) Console.WriteLine($"  {a.Name,-14} {(a.Required ? "" : "(optional) ")}{a.Help}");
            if (found.Actuates) Console.WriteLine("  Moves hardware: refused if it reaches the node late.");
            return true;
        }
        Console.WriteLine($"Commands served by {catalog.Node}:");
        foreach (var c in catalog.Commands) Console.WriteLine($"  {c.Usage,-34} {c.Summary}");
        if (!interactive)
        {
            Console.WriteLine("Run one with `robotactors console --contact HOST:PORT <command>`, or leave out the command for the interactive prompt.");
            return true;
        }
        Console.WriteLine("Console commands:");
        foreach (var (name, help) in LocalCommands) Console.WriteLine($"  {name,-34} {help}");
        return true;
    }

    /// <summary>Splits a line into words; double quotes group words with spaces.</summary>
    internal static List<string> Words(string line)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') { quoted = !quoted; continue; }
            if (char.IsWhiteSpace(ch) && !quoted)
            {
                if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
                continue;
            }
            current.Append(ch);
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }
}
