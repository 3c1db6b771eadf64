using RobotActors.Datasets.Format;
using RobotActors.Datasets.Writing;

namespace RobotActors.Host.Tests.Policies;

/// <summary>
/// A LeRobot v3 dataset written to disk: 3 episodes of 20 frames, a 3-joint state, an action that is a
/// fixed linear function of the state, a done flag and a reward of 1 on each episode's last frame.
/// </summary>
public static class TinyDataset
{
    public static async Task WriteAsync(string root)
    {
        var recorder = DatasetRecorder.Create(root, 10,
        [
            FeatureSpec.Numeric("observation.state", DTypes.Float32, [3], ["j0", "j1", "j2"]),
            FeatureSpec.Numeric("action", DTypes.Float32, [2], ["a0", "a1"]),
            FeatureSpec.Numeric("next.reward", DTypes.Float32, [1]),
            FeatureSpec.Numeric("next.done", DTypes.Bool, [1]),
        ], "so101_follower");
        var rng = new Random(1);
        for (var e = 0; e < 3; e++)
        {
            for (var i = 0; i < 20; i++)
            {
                float[] state = [(float)rng.NextDouble() * 2 - 1, (float)rng.NextDouble() * 2 - 1, (float)rng.NextDouble() * 2 - 1];
                recorder.AddFrame(new Dictionary<string, object>
                {
                    ["observation.state"] = state,
                    ["action"] = new[] { state[0] + 0.5f * state[1], state[2] - state[0] },
                    ["next.reward"] = new[] { i == 19 ? 1f : 0f },
                    ["next.done"] = i == 19,
                }, "reach the target");
            }
            await recorder.SaveEpisodeAsync();
        }
        recorder.FinalizeDataset();
    }
}
