using RobotActors.Actors.Hosting;
using RobotActors.Host.Configuration;

namespace RobotActors.Host.Tests;

/// <summary>Issue 12.9: `help` in one-shot mode, from the node's own catalog, against a node in this process.</summary>
[Collection("console")]
public sealed class ConsoleHelpTests
{
    [Fact]
    public async Task Help_works_in_one_shot_mode_listing_the_nodes_commands_and_describing_one()
    {
        var dir = Directory.CreateTempSubdirectory("console-help-").FullName;
        var file = Path.Combine(dir, "node.conf");
        File.WriteAllText(file, $"robotactors {{ data-dir = \"{dir}\", node.port = 0, log-level = WARNING }}");
        var loaded = ConfigLoader.Load(file);
        await using (var node = RobotActorsNode.Start(loaded.Settings, "test", loaded.UserAkka))
        {
            await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
            var contact = $"127.0.0.1:{node.Address.Port}";

            var (code, output, error) = await InProcessCli.RunAsync("console", "--contact", contact, "help");
            Assert.True(code == 0, error);
            Assert.Contains("motors <robot> <read|write> <register> [value] [--id] [ids]", output);
            Assert.Contains("torque <robot> <on|off>", output);

            (code, output, _) = await InProcessCli.RunAsync("console", "--contact", contact, "help", "motors");
            Assert.Equal(0, code);
            Assert.Contains("Moves hardware: refused if it reaches the node late.", output);

            (code, output, _) = await InProcessCli.RunAsync("console", "--contact", contact, "help", "fly");
            Assert.Equal(ExitCodes.Failed, code);
            Assert.Contains("No command 'fly' on this node.", output);
        }
        Directory.Delete(dir, recursive: true);
    }
}
