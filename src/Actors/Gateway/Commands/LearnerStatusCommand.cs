using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>
/// `learner status`: the HIL-SERL learner's optimization step, updates/s, buffer sizes, last losses, temperature,
/// last checkpoint and last weights push, asked through the learner singleton's proxy on this node.
/// </summary>
public sealed class LearnerStatusCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("learner status",
        "The learner: optimization step, updates/s, replay buffer sizes, last losses, temperature, last checkpoint, last weights push.", []);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        var timeout = context.Settings.Console.Timeout;
        LearnerStatus status;
        try
        {
            status = await LearnerSingleton.Proxy(context.System).Ask<LearnerStatus>(GetLearnerStatus.Instance, timeout);
        }
        catch (AskTimeoutException)
        {
            return CommandReply.Failure($"no learner answered within {timeout.TotalSeconds:F0} s; start a node with role \"learner\" " +
                                        "(hocon/single-node.conf or hocon/learner-node.conf) and check `status` that it joined this cluster");
        }
        return CommandReply.Success(Describe(status), JsonSerializer.Serialize(status, GatewayJson.Options));
    }

    internal static string Describe(LearnerStatus s)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine($"learner     {s.Phase}{(s.Problem.Length > 0 ? ": " + s.Problem : "")}");
        if (s.Phase is "idle" or "starting") return text.ToString().TrimEnd();
        text.AppendLine(string.Create(inv, $"step        {s.OptimizationStep} optimization, {s.InteractionStep} transitions received, {s.UpdatesPerSecond:F1} updates/s"));
        var waiting = s.Phase == "waiting" ? string.Create(inv, $" (learning starts at {s.OnlineStepBeforeLearning} online)") : "";
        text.AppendLine(string.Create(inv, $"buffers     online {s.OnlineBufferSize}, offline {s.OfflineBufferSize}{waiting}"));
        text.AppendLine(string.Create(inv, $"refused     {s.RefusedTransitions} transitions (non-finite values), {s.UnpairedSteps} steps without a next observation"));
        text.AppendLine(s.LastLosses.Count == 0 ? "losses      -"
            : "losses      " + string.Join("  ", s.LastLosses.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(inv, $"{kv.Key} {kv.Value:G4}"))));
        text.AppendLine(string.Create(inv, $"temperature {s.Temperature:G4}"));
        text.AppendLine($"checkpoint  {(s.LastCheckpoint.Length > 0 ? s.LastCheckpoint : "none yet")}");
        text.Append(string.Create(inv, $"weights     version {s.WeightsVersion}{(s.LastWeightsPush is { } at ? $", pushed {(DateTimeOffset.UtcNow - at).TotalSeconds:F0} s ago" : ", not pushed yet")}"));
        return text.ToString();
    }
}
