using Akka.Actor;
using RobotActors.Actors.Console;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Tests.Session;

/// <summary>A node's robots have sessions reachable through /user/robots, and the console's `sessions` reads their history.</summary>
public sealed class SessionConsoleTests
{
    [Fact]
    public async Task Session_messages_reach_a_robots_session_through_the_robots_manager_and_sessions_lists_its_history()
    {
        using var dir = new TempDir();
        await using var node = RobotActorsNode.Start(TestSettings.Create(dir.Path,
            "robotactors.robots = [ { id = \"sim\", type = \"so101_follower\", port = \"sim\" } ]"), "test");
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
        var robots = node.System.ActorSelection("/user/robots");
        var wait = TimeSpan.FromSeconds(20);

        await robots.Ask<SessionStatus>(new StartSession("sim", "push_cube", 10), wait);
        var opened = await robots.Ask<EpisodeOpened>(new StartEpisode("sim"), wait);
        var acked = await robots.Ask<StepsAcknowledged>(new RecordStep("sim", SessionSteps.Step(opened.Episode, 0, reward: 1, done: true)), wait);
        Assert.Equal(1, acked.DurableSteps);
        await robots.Ask<EpisodeClosed>(new EndEpisode("sim", opened.Episode, EpisodeOutcome.Success), wait);
        Assert.IsType<RobotNotFound>(await robots.Ask<object>(new GetSessionStatus("nobody"), wait));

        await using var console = ConsoleConnection.Open("127.0.0.1", node.Address.Port!.Value, node.Settings.SystemName, TimeSpan.FromSeconds(10));
        var reply = await console.RunAsync(["sessions"]);
        Assert.True(reply.Ok, reply.Text);
        Assert.Contains("robot sim: 1 session(s)", reply.Text);
        Assert.Contains("session 1  push_cube  10 fps", reply.Text);
        Assert.Contains("success 1/1", reply.Text);
        Assert.Matches(@"episode\s+0\s+Success\s+return\s+1\.000\s+length\s+1", reply.Text);
        using var json = System.Text.Json.JsonDocument.Parse(reply.Json!);
        Assert.Equal("sim", json.RootElement[0].GetProperty("robot_id").GetString());

        var unknown = await console.RunAsync(["sessions", "nobody"]);
        Assert.False(unknown.Ok);
        Assert.Contains("no robot 'nobody'", unknown.Text);
    }
}
