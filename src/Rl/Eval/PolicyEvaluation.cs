using System.Diagnostics;
using System.Text.Json.Nodes;
using RobotActors.Rl.Env;
using RobotActors.Rl.Recording;

namespace RobotActors.Rl.Eval;

public sealed record EpisodeResult(int Index, int Seed, double SumReward, double MaxReward, bool Success, int Length, double Seconds);

public sealed record EvalReport(string Policy, IReadOnlyList<EpisodeResult> Episodes, double Seconds)
{
    public double PcSuccess => Episodes.Count == 0 ? 0 : 100.0 * Episodes.Count(e => e.Success) / Episodes.Count;
    public double AvgSumReward => Episodes.Count == 0 ? 0 : Episodes.Average(e => e.SumReward);
    public double AvgMaxReward => Episodes.Count == 0 ? 0 : Episodes.Average(e => e.MaxReward);
    public double AvgLength => Episodes.Count == 0 ? 0 : Episodes.Average(e => e.Length);

    /// <summary>lerobot-eval's eval_info.json: per_episode, aggregated (avg_sum_reward, avg_max_reward, pc_success, eval_s, eval_ep_s).</summary>
    public JsonObject ToEvalInfo() => new()
    {
        ["per_episode"] = new JsonArray(Episodes.Select(e => (JsonNode?)new JsonObject
        {
            ["episode_ix"] = e.Index, ["sum_reward"] = e.SumReward, ["max_reward"] = e.MaxReward, ["success"] = e.Success,
            ["seed"] = e.Seed, ["episode_length"] = e.Length,
        }).ToArray()),
        ["aggregated"] = new JsonObject
        {
            ["avg_sum_reward"] = AvgSumReward, ["avg_max_reward"] = AvgMaxReward, ["pc_success"] = PcSuccess,
            ["avg_episode_length"] = AvgLength, ["eval_s"] = Seconds, ["eval_ep_s"] = Episodes.Count == 0 ? 0 : Seconds / Episodes.Count,
        },
        ["policy"] = Policy,
        ["video_paths"] = new JsonArray(),
    };
}

/// <summary>
/// lerobot-eval on a gym_manipulator env: n episodes of a policy, each from seed + i (the same scenes as a
/// recording with that seed), ending on done or the time limit. An episode succeeds when the task's ground
/// truth says so at its end (simulated robots) or, on a real robot, when it earned a positive reward.
/// </summary>
public sealed class PolicyEvaluation(GymManipulatorEnv env, IEvalPolicy policy)
{
    public EvalReport Run(int episodes, int seed, Action<EpisodeResult>? onEpisode = null, CancellationToken cancel = default)
    {
        var results = new List<EpisodeResult>();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < episodes && !cancel.IsCancellationRequested; i++)
        {
            var clock = Stopwatch.StartNew();
            var episodeSeed = EpisodeRecording.EpisodeSeed(seed, i);
            var observation = env.Reset(seed: episodeSeed, waitResetTime: env.World is null);
            policy.Reset();
            double sum = 0, max = 0;
            var length = 0;
            var success = false;
            while (!cancel.IsCancellationRequested)
            {
                var step = env.Step(policy.Act(observation, env.Pipeline));
                length++;
                sum += step.Reward;
                max = Math.Max(max, step.Reward);
                success = step.Task is { } truth ? truth.Success : max > 0;
                observation = step.Next;
                if (step.EpisodeOver) break;
            }
            var result = new EpisodeResult(i, episodeSeed, sum, max, success, length, clock.Elapsed.TotalSeconds);
            results.Add(result);
            onEpisode?.Invoke(result);
        }
        return new EvalReport(policy.Name, results, total.Elapsed.TotalSeconds);
    }
}
