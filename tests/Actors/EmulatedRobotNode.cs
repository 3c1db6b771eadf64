using RobotActors.Actors.Hosting;

namespace RobotActors.Actors.Tests;

/// <summary>A running node driving one SO-101 follower on the port of a servo-bus emulator.</summary>
internal static class EmulatedRobotNode
{
    public static async Task<RobotActorsNode> StartAsync(string dataDir, string robotId, string port, string calibrationDir, string extraHocon = "")
    {
        var node = RobotActorsNode.Start(TestSettings.Create(dataDir, $$"""
            robotactors.robots = [ { id = "{{robotId}}", type = "so101_follower", port = "{{port}}", calibration-dir = "{{calibrationDir}}" } ]
            {{extraHocon}}
            """), "test");
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
        return node;
    }
}
