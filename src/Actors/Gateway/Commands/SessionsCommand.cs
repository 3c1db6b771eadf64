using System.Globalization;
using System.Text;
using System.Text.Json;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`sessions [robot]`: each robot's session history from its journal: sessions, episodes, outcomes, rates.</summary>
public sealed class SessionsCommand : IGatewayCommand
{
    private const int RecentEpisodes = 5;

    public CommandDescriptor Descriptor { get; } = new("sessions", "The session history from each robot's journal: sessions, their episodes and outcomes.",
        [new CommandArgument("robot", "only this robot (default: every robot in the cluster)", Required: false)]);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        var robots = arguments.Count > 0
            ? [arguments[0]]
            : (await RobotDirectory.ListAsync(context.System)).SelectMany(l => l.Robots?.Robots ?? []).Select(r => r.RobotId).ToList();
        if (robots.Count == 0) return CommandReply.Success("no robots in the cluster", "[]");

        var histories = new List<SessionHistory>();
        var text = new StringBuilder();
        foreach (var robot in robots)
        {
            var reply = await RobotDirectory.AskAsync(context.System, new GetSessionHistory(robot));
            switch (reply)
            {
                case SessionHistory h:
                    histories.Add(h);
                    text.Append(Describe(h));
                    break;
                case RobotNotFound:
                    return CommandReply.Failure($"no robot '{robot}' in the cluster; `robots` lists them");
                case RobotCommandFailed f:
                    text.AppendLine($"robot {robot}: {f.Reason}");
                    break;
            }
        }
        return CommandReply.Success(text.ToString().TrimEnd(), JsonSerializer.Serialize(histories, GatewayJson.Options));
    }

    internal static string Describe(SessionHistory h)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(h.Sessions.Count == 0 ? $"robot {h.RobotId}: no sessions yet" : $"robot {h.RobotId}: {h.Sessions.Count} session(s)");
        foreach (var s in h.Sessions)
        {
            var finished = s.Episodes.Where(e => e.Outcome != EpisodeOutcome.Rerecord).ToList();
            var successes = finished.Count(e => e.Success);
            text.AppendLine(string.Create(inv,
                $"  session {s.Session}  {s.Task}  {s.Fps} fps  started {s.StartedAt:yyyy-MM-dd HH:mm:ss}  {(s.Active ? "running" : $"stopped {s.StoppedAt:HH:mm:ss}")}" +
                $"  episodes {s.Episodes.Count}  success {successes}/{finished.Count}{(s.Resumes > 0 ? $"  resumed {s.Resumes}x" : "")}"));
            foreach (var e in s.Episodes.TakeLast(RecentEpisodes))
                text.AppendLine(string.Create(inv,
                    $"    episode {e.Episode,5}  {e.Outcome,-11} return {e.Return,8:F3}  length {e.Length,5}  intervention {e.InterventionRate,6:P0}  policy v{e.PolicyVersion}"));
        }
        return text.ToString();
    }
}
