using System.CommandLine;
using RobotActors.Actors.Console;
using RobotActors.Actors.Protocol;
using RobotActors.Host.Configuration;
using RobotActors.Host.ConsoleUi;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors console --contact HOST:PORT [command...] [--json]`: the operator's console. With a
/// command it runs it once and exits (0 on success, 1 when the node reports an error, 3 when no node
/// answers); without one it opens an interactive prompt.
/// </summary>
public static class ConsoleCommand
{
    public static Command Create()
    {
        var contact = new Option<string>("--contact")
        {
            Description = "Any node of the cluster, as host:port (the port of its cluster traffic, 4053 by default).",
            Required = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the answer as JSON (for scripts)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait for the node (default: robotactors.console.timeout, 5)." };
        var systemName = new Option<string?>("--system-name") { Description = "Actor system name of the cluster (default: robotactors.system-name)." };
        var words = new Argument<string[]>("command") { Description = "A command to run once, e.g. status; none opens the interactive prompt.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("console", "Talk to a running cluster: one command for scripts, or an interactive prompt.")
        {
            contact, json, timeout, systemName, words,
        };
        command.SetAction((parse, cancel) => RunAsync(
            parse.GetValue(contact)!, parse.GetValue(words) ?? [], parse.GetValue(json), parse.GetValue(timeout), parse.GetValue(systemName)));
        return command;
    }

    private static async Task<int> RunAsync(string contact, string[] words, bool json, double? timeoutSeconds, string? systemName)
    {
        var defaults = Actors.Configuration.RobotActorsSettings.FromConfig(ConfigLoader.Defaults.Value);
        var (host, port) = ParseContact(contact);
        var timeout = timeoutSeconds is > 0 ? TimeSpan.FromSeconds(timeoutSeconds.Value) : defaults.Console.Timeout;

        await using var connection = ConsoleConnection.Open(host, port, systemName ?? defaults.SystemName, timeout);
        try
        {
            if (words.Length == 0)
                return await new ConsoleRepl(connection).RunAsync();
            if (string.Equals(words[0], "help", StringComparison.OrdinalIgnoreCase))
                return ConsoleRepl.PrintHelp(await connection.DescribeAsync(), words[1..], interactive: false) ? ExitCodes.Ok : ExitCodes.Failed;

            var reply = await connection.RunAsync(words);
            Print(reply, json);
            return reply.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (NoNodeAnsweredException ex)
        {
            throw new UserFacingException(ex.Message, ExitCodes.Unreachable);
        }
    }

    internal static void Print(CommandReply reply, bool json)
    {
        if (!reply.Ok)
        {
            Console.Error.WriteLine(json ? System.Text.Json.JsonSerializer.Serialize(new { ok = false, error = reply.Text }) : $"error: {reply.Text}");
            return;
        }
        Console.WriteLine(json ? reply.Json ?? System.Text.Json.JsonSerializer.Serialize(new { ok = true, text = reply.Text }) : reply.Text);
    }

    private static (string Host, int Port) ParseContact(string contact)
    {
        var colon = contact.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(contact[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new UserFacingException($"--contact {contact}: expected host:port, e.g. --contact 127.0.0.1:4053.", ExitCodes.Usage);
        return (contact[..colon], port);
    }
}
