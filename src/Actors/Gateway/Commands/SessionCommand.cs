using System.Globalization;
using System.Text;
using System.Text.Json;
using RobotActors.Actors.Control;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>
/// `session start|stop|pause|resume &lt;robot&gt; [--task &lt;task&gt;]` and `session status [robot]`: a robot's HIL-SERL
/// session, run by its control loop. Start and resume move the arm, so a stale command is refused.
/// </summary>
public sealed class SessionCommand : IGatewayCommand
{
    private static readonly string[] Actions = ["start", "stop", "pause", "resume", "status"];

    public CommandDescriptor Descriptor { get; } = new("session",
        "A robot's HIL-SERL session: session start|stop|pause|resume <robot> [--task push_cube], session status [robot].",
        [
            new CommandArgument("start|stop|pause|resume|status", "what to do"),
            new CommandArgument("robot", "the robot's id (status: default every robot)", Required: false),
            new CommandArgument("--task", "start only: the workcell task instead of the config's env.task", Required: false),
            new CommandArgument("task", "reach_cube, push_cube or pick_lift_cube", Required: false),
        ], Actuates: true);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        var action = arguments[0].ToLowerInvariant();
        if (!Actions.Contains(action))
            return CommandReply.Failure($"usage: {Descriptor.Usage}: '{arguments[0]}' is not one of {string.Join(", ", Actions)}");
        if (action == "status") return await StatusAsync(context, arguments.Count > 1 ? arguments[1] : null, arguments.Count > 2);
        if (arguments.Count < 2) return CommandReply.Failure($"usage: session {action} <robot>: which robot? `robots` lists them");
        var robot = arguments[1];
        string? task = null;
        if (arguments.Count > 2)
        {
            if (action != "start" || arguments[2] != "--task" || arguments.Count != 4)
                return CommandReply.Failure($"usage: {Descriptor.Usage}: only `session start <robot> --task <task>` takes more than a robot");
            task = arguments[3];
        }
        IControlMessage message = action switch
        {
            "start" => new StartControl(robot, task),
            "stop" => new StopControl(robot),
            "pause" => new PauseControl(robot),
            _ => new ResumeControl(robot),
        };
        return await ControlReplies.AskAsync(context, message);
    }

    private static async Task<CommandReply> StatusAsync(GatewayContext context, string? robot, bool extra)
    {
        if (extra) return CommandReply.Failure("usage: session status [robot]");
        var robots = robot is not null ? [robot]
            : (await RobotDirectory.ListAsync(context.System)).SelectMany(l => l.Robots?.Robots ?? []).Select(r => r.RobotId).ToList();
        if (robots.Count == 0) return CommandReply.Success("no robots in the cluster", "[]");
        var text = new StringBuilder();
        var json = new List<object>();
        foreach (var id in robots)
        {
            var control = await RobotDirectory.AskAsync(context.System, new GetControlStatus(id));
            var session = await RobotDirectory.AskAsync(context.System, new GetSessionStatus(id));
            switch (control, session)
            {
                case (ControlStatus c, SessionStatus s):
                    text.AppendLine(Describe(c, s));
                    json.Add(new { robot = id, control = c, session = s });
                    break;
                case (RobotNotFound, _):
                    return CommandReply.Failure($"no robot '{id}' in the cluster; `robots` lists them");
                default:
                    text.AppendLine($"robot {id}: {(control as RobotCommandFailed)?.Reason ?? (session as RobotCommandFailed)?.Reason ?? "no answer"}");
                    break;
            }
        }
        return CommandReply.Success(text.ToString().TrimEnd(), JsonSerializer.Serialize(json, GatewayJson.Options));
    }

    internal static string Describe(ControlStatus c, SessionStatus s)
    {
        var inv = CultureInfo.InvariantCulture;
        var head = $"robot {c.RobotId}: {c.State.ToString().ToLowerInvariant()}{(c.Detail is null ? "" : $" ({c.Detail})")}";
        if (!s.Active) return head + $"; no session running ({s.EpisodesFinished} episodes in its last session)";
        return head + string.Format(inv,
            "; session {0} ({1}), episode {2} step {3}; last 20 episodes: success {4:P0}, intervention {5:P0}; policy v{6}; " +
            "loop p50 {7:F2} ms p99 {8:F2} ms, {9} of {10} ticks late{14}; {11} steps durable, {12} acknowledged to the loop{13}",
            s.Session, s.Task, s.OpenEpisode?.ToString(inv) ?? "-", c.Step, s.SuccessRate, s.InterventionRate, c.PolicyVersion,
            c.LoopP50Ms, c.LoopP99Ms, c.Overruns, c.Ticks, s.DurableSteps, c.AcknowledgedSteps, c.OperatorIntervening ? "; the operator has the arm" : "",
            c.HeldTicks > 0 ? string.Format(inv, ", {0} held on stale readings", c.HeldTicks) : "");
    }
}
