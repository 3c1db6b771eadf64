using Akka.Actor;
using Akka.TestKit.Xunit2;
using RobotActors.Actors.Console;
using RobotActors.Actors.Gateway;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Tests;

public sealed class ControlGatewayTests
{
    [Fact]
    public async Task A_console_client_gets_status_from_a_node_through_cluster_client()
    {
        using var dir = new TempDir();
        await using var node = RobotActorsNode.Start(TestSettings.Create(dir.Path), "9.9.9");
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));

        await using var console = ConsoleConnection.Open("127.0.0.1", node.Address.Port!.Value, node.Settings.SystemName, TimeSpan.FromSeconds(10));
        var catalog = await console.DescribeAsync();
        Assert.Equal(node.Address.ToString(), catalog.Node);
        Assert.Equal("9.9.9", catalog.Version);
        Assert.Contains(catalog.Commands, c => c.Name == "status");
        Assert.Contains(catalog.Commands, c => c.Name == "nodes");

        var reply = await console.RunAsync(["status"]);
        Assert.True(reply.Ok, reply.Text);
        Assert.Contains(node.Address.ToString(), reply.Text);
        Assert.Contains("Up", reply.Text);
        using var json = System.Text.Json.JsonDocument.Parse(reply.Json!);
        Assert.Equal("Up", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(["learner", "robot"], json.RootElement.GetProperty("roles").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("sqlite", json.RootElement.GetProperty("journal_backend").GetString());
        Assert.Equal("9.9.9", json.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_console_with_no_node_behind_the_contact_gives_up_with_a_clear_error()
    {
        await using var console = ConsoleConnection.Open("127.0.0.1", FreePort(), "robotactors", TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<NoNodeAnsweredException>(() => console.RunAsync(["status"]));
        Assert.Contains("no RobotActors node answered", ex.Message);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>The gateway's own rules, checked directly with the TestKit.</summary>
public sealed class ControlGatewayRulesTests : TestKit
{
    private sealed class Echo : IGatewayCommand
    {
        public CommandDescriptor Descriptor { get; } = new("robot status", "Echo the robot id.", [new CommandArgument("id", "robot id")]);

        public Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments) =>
            Task.FromResult(CommandReply.Success($"robot {arguments[0]}"));
    }

    private sealed class Broken : IGatewayCommand
    {
        public CommandDescriptor Descriptor { get; } = new("broken", "Always throws.", []);

        public Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments) =>
            throw new InvalidOperationException("the bus is gone");
    }

    private readonly TempDir _dir = new();

    private IActorRef Gateway(TimeSpan? maxAge = null)
    {
        var settings = TestSettings.Create(_dir.Path, maxAge is null ? "" : $"robotactors.gateway.max-command-age = {(int)maxAge.Value.TotalMilliseconds}ms");
        var context = new GatewayContext(Sys, settings, DateTimeOffset.UtcNow, "test");
        return Sys.ActorOf(ControlGateway.Props(context, [new Echo(), new Broken()]));
    }

    public ControlGatewayRulesTests() : base("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp.port = 0\nakka.remote.dot-netty.tcp.hostname = 127.0.0.1") { }

    [Fact]
    public void A_stale_command_is_refused_and_says_why()
    {
        var gateway = Gateway(TimeSpan.FromSeconds(1));
        gateway.Tell(new RunCommand("robot", ["status", "r1"], DateTimeOffset.UtcNow - TimeSpan.FromSeconds(3)));
        var reply = ExpectMsg<CommandReply>();
        Assert.False(reply.Ok);
        Assert.Contains("refused", reply.Text);
        Assert.Contains("max-command-age", reply.Text);

        gateway.Tell(new RunCommand("robot", ["status", "r1"], DateTimeOffset.UtcNow));
        Assert.Equal("robot r1", ExpectMsg<CommandReply>().Text);
    }

    [Fact]
    public void A_stamped_command_is_judged_by_the_gateway_clock_alone()
    {
        var gateway = Gateway(TimeSpan.FromSeconds(1));
        gateway.Tell(ReadGatewayClock.Instance);
        var clock = ExpectMsg<GatewayClockReading>();

        // Fresh by the gateway's clock: runs, with no wall-clock time in the message at all.
        gateway.Tell(new RunStampedCommand("robot", ["status", "r1"], clock.Node, clock.Milliseconds));
        Assert.Equal("robot r1", ExpectMsg<CommandReply>().Text);

        // Held back 3 s by the gateway's clock (as a command buffered through a partition): refused, with its age.
        gateway.Tell(new RunStampedCommand("robot", ["status", "r1"], clock.Node, clock.Milliseconds - 3_000));
        var stale = ExpectMsg<CommandReply>();
        Assert.False(stale.Ok);
        Assert.Contains("reached the node 3.", stale.Text);
        Assert.Contains("Nothing was done", stale.Text);

        // Stamped against another node's clock: cannot be judged here, so it is refused rather than guessed.
        gateway.Tell(new RunStampedCommand("robot", ["status", "r1"], "akka.tcp://robotactors@10.0.0.9:4053", clock.Milliseconds));
        var foreign = ExpectMsg<CommandReply>();
        Assert.False(foreign.Ok);
        Assert.Contains("Reconnect", foreign.Text);
    }

    [Fact]
    public void A_stamp_ahead_of_the_gateway_clock_is_refused_and_the_clock_is_named_per_node_incarnation()
    {
        var gateway = Gateway(TimeSpan.FromSeconds(1));
        gateway.Tell(ReadGatewayClock.Instance);
        var clock = ExpectMsg<GatewayClockReading>();
        var self = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;
        Assert.Equal($"{self.Address}#{self.Uid}", clock.Node);

        // As a console's reading of a gateway that has since restarted at the same address (its clock began again
        // at zero): taken at face value the age would be negative and any late command would pass.
        gateway.Tell(new RunStampedCommand("robot", ["status", "r1"], clock.Node, clock.Milliseconds + 60_000));
        var ahead = ExpectMsg<CommandReply>();
        Assert.False(ahead.Ok);
        Assert.Contains("ahead of this node's clock", ahead.Text);
        Assert.Contains("nothing was done", ahead.Text);
    }

    [Fact]
    public void A_command_from_an_older_console_is_judged_by_wall_clocks_and_the_log_says_so()
    {
        var gateway = Gateway(TimeSpan.FromSeconds(5));
        EventFilter.Warning(contains: "older console").ExpectOne(() =>
            gateway.Tell(new RunCommand("robot", ["status", "r1"], DateTimeOffset.UtcNow)));
        Assert.Equal("robot r1", ExpectMsg<CommandReply>().Text);
    }

    [Fact]
    public void Unknown_commands_list_what_the_node_serves_and_wrong_arity_shows_usage()
    {
        var gateway = Gateway();
        gateway.Tell(new RunCommand("fly", [], DateTimeOffset.UtcNow));
        var unknown = ExpectMsg<CommandReply>();
        Assert.False(unknown.Ok);
        Assert.Contains("unknown command 'fly'", unknown.Text);
        Assert.Contains("robot status", unknown.Text);

        gateway.Tell(new RunCommand("robot", ["status"], DateTimeOffset.UtcNow));
        var usage = ExpectMsg<CommandReply>();
        Assert.False(usage.Ok);
        Assert.Equal("usage: robot status <id>", usage.Text);
    }

    [Fact]
    public void A_command_that_throws_becomes_an_error_reply_and_the_gateway_keeps_serving()
    {
        var gateway = Gateway();
        gateway.Tell(new RunCommand("broken", [], DateTimeOffset.UtcNow));
        var reply = ExpectMsg<CommandReply>();
        Assert.False(reply.Ok);
        Assert.Contains("the bus is gone", reply.Text);

        gateway.Tell(DescribeCommands.Instance);
        Assert.Equal(2, ExpectMsg<CommandCatalog>().Commands.Count);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _dir.Dispose();
    }
}
