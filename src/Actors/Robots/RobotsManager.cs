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

    private readonly IReadOnlyList<RobotSettings> _robots;

    public static Props Props(RobotActorsSettings settings) => Akka.Actor.Props.Create(() => new RobotsManager(settings));

    public RobotsManager(RobotActorsSettings settings)
    {
        _robots = settings.Robots;
        foreach (var robot in settings.Robots)
            Context.ActorOf(RobotSupervisor.Props(robot, settings), robot.Id);

        // Answered in the background: a robot slow to report never holds up messages for the others.
        Receive<ListRobots>(_ =>
        {
            var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
            ListAsync(node, _robots.Select(r => (r, Context.Child(r.Id))).ToList()).PipeTo(Sender);
        });
        Receive<IRobotMessage>(m =>
        {
            var robot = Context.Child(m.RobotId);
            if (robot.IsNobody()) Sender.Tell(new RobotNotFound(m.RobotId));
            else robot.Forward(m);
        });
    }

    /// <summary>Every robot's status; one that does not answer within 3 s is listed as Disconnected with no devices.</summary>
    private static async Task<RobotList> ListAsync(string node, IReadOnlyList<(RobotSettings Robot, IActorRef Supervisor)> robots)
    {
        var reports = await Task.WhenAll(robots.Select(async r =>
        {
            var robot = r.Robot;
            try
            {
                return await r.Supervisor.Ask<RobotStatusReport>(new GetRobotStatus(robot.Id), TimeSpan.FromSeconds(3));
            }
            catch (AskTimeoutException)
            {
                return new RobotStatusReport(robot.Id, robot.Type, robot.Port, DeviceState.Disconnected, []);
            }
        }));
        return new RobotList(node, reports.OrderBy(r => r.RobotId, StringComparer.Ordinal).ToList());
    }

    /// <summary>A robot's faults are handled inside its supervisor; if the supervisor itself fails, restart just that robot.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
}
