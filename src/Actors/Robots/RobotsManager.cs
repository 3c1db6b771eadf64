using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Robots;

/// <summary>
/// /user/robots on a node with the robot role: one <see cref="RobotSupervisor"/> per configured robot,
/// each supervised on its own (one-for-one), so one robot's trouble never touches another. Routes
/// robot messages by id and answers for all its robots.
/// </summary>
public sealed class RobotsManager : ReceiveActor
{
    public const string Name = "robots";

    public static Props Props(IReadOnlyList<RobotSettings> robots, DeviceSettings device, string dataPath) =>
        Akka.Actor.Props.Create(() => new RobotsManager(robots, device, dataPath));

    public RobotsManager(IReadOnlyList<RobotSettings> robots, DeviceSettings device, string dataPath)
    {
        foreach (var robot in robots)
            Context.ActorOf(RobotSupervisor.Props(robot, device, dataPath), robot.Id);

        ReceiveAsync<ListRobots>(async _ =>
        {
            var sender = Sender;
            var reports = await Task.WhenAll(Context.GetChildren().Select(c => c.Ask<RobotStatusReport>(new GetRobotStatus(c.Path.Name), TimeSpan.FromSeconds(3))));
            sender.Tell(new RobotList(Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), reports.OrderBy(r => r.RobotId, StringComparer.Ordinal).ToList()));
        });
        Receive<IRobotMessage>(m =>
        {
            var robot = Context.Child(m.RobotId);
            if (robot.IsNobody()) Sender.Tell(new RobotNotFound(m.RobotId));
            else robot.Forward(m);
        });
    }

    /// <summary>A robot's faults are handled inside its supervisor; if the supervisor itself fails, restart just that robot.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
}
