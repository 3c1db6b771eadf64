using System.Text.Json;
using Akka.Cluster;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`status`: this node (address, roles, member status), the cluster's members, uptime, journal backend, version.</summary>
public sealed class StatusCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("status", "This node, its roles and state, the cluster's members and robots, uptime, journal and version.", []);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        var cluster = Cluster.Get(context.System);
        var members = ClusterView.Members(cluster);
        var self = members.FirstOrDefault(m => m.Self)
                   ?? new MemberView(cluster.SelfAddress.ToString(), context.Settings.Node.Roles, cluster.SelfMember.Status.ToString(), true, true);
        var uptime = DateTimeOffset.UtcNow - context.StartedAt;
        var journal = JournalDescription(context.Settings);
        var robots = (await RobotDirectory.ListAsync(context.System)).SelectMany(l => l.Robots?.Robots ?? []).ToList();

        var status = new NodeStatus(self.Address, self.Roles, self.Status, members, Math.Round(uptime.TotalSeconds, 1),
            context.Settings.Journal.Backend.ToString().ToLowerInvariant(), journal, context.Version, robots);

        var text = $"""
            node     {self.Address}  roles: {string.Join(", ", self.Roles)}  status: {self.Status}
            uptime   {FormatUptime(uptime)}
            journal  {journal}
            version  {context.Version}
            members  {members.Count}
            {ClusterView.Table(members)}
            robots   {robots.Count}
            """ + string.Concat(robots.Select(r => $"\n  {r.RobotId,-12} {r.Type,-16} {r.State}"));
        return CommandReply.Success(text, JsonSerializer.Serialize(status, GatewayJson.Options));
    }

    private static string JournalDescription(RobotActorsSettings settings) => settings.Journal.Backend switch
    {
        JournalBackend.Sqlite => $"sqlite {Path.Combine(settings.DataPath, settings.Journal.Sqlite.JournalFile)}",
        _ => $"postgres {HidePassword(settings.Journal.Postgres.ConnectionString)}",
    };

    private static string HidePassword(string connectionString) =>
        string.Join(';', connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.TrimStart().StartsWith("password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : part));

    private static string FormatUptime(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes}m {t.Seconds}s" : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds}s" : $"{t.TotalSeconds:F1}s";
}

public sealed record NodeStatus(
    string Address, IReadOnlyList<string> Roles, string Status, IReadOnlyList<MemberView> Members,
    double UptimeSeconds, string JournalBackend, string Journal, string Version, IReadOnlyList<RobotStatusReport> Robots);
