using Akka.Cluster;
using RobotActors.Actors.Hosting;

namespace RobotActors.Actors.Tests;

/// <summary>Two nodes, each its own actor system on its own loopback port, form one cluster.</summary>
public sealed class ClusterFormationTests
{
    [Fact]
    public async Task A_learner_node_and_a_robot_node_on_loopback_form_one_cluster()
    {
        using var learnerDir = new TempDir();
        using var robotDir = new TempDir();
        await using var learner = RobotActorsNode.Start(TestSettings.Create(learnerDir.Path, "robotactors.node.roles = [learner]"), "test");
        await learner.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
        var seedPort = learner.Address.Port!.Value;
        Assert.NotEqual(0, seedPort);

        await using var robot = RobotActorsNode.Start(TestSettings.Create(robotDir.Path,
            $"robotactors.node.roles = [robot]\nrobotactors.node.seed-nodes = [\"127.0.0.1:{seedPort}\"]"), "test");
        await robot.WaitUntilUpAsync(TimeSpan.FromSeconds(30));

        // Both nodes see both members Up, each with its own role.
        foreach (var node in new[] { learner, robot })
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up) < 2 && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            var members = Cluster.Get(node.System).State.Members;
            Assert.Equal(2, members.Count(m => m.Status == MemberStatus.Up));
            Assert.Contains(members, m => m.Address == learner.Address && m.HasRole("learner") && !m.HasRole("robot"));
            Assert.Contains(members, m => m.Address == robot.Address && m.HasRole("robot") && !m.HasRole("learner"));
        }
        Assert.NotEqual(learner.Address.Port, robot.Address.Port);
    }
}
