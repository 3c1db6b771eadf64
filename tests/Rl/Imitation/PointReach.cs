using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Imitation;

/// <summary>
/// A point agent on the plane [-1, 1]² must end next to a target. The agent's position is its state; the target
/// is seen only by the camera (a green square on a grey image, the agent a red one) or, for policies run without
/// a camera, given as the environment state. A scripted expert moves straight at the target, at most
/// <see cref="MaxStep"/> per axis and step. Success: within <see cref="SuccessRadius"/> of the target at the end.
/// </summary>
public sealed class PointReach
{
    public const float MaxStep = 0.12f;
    public const float SuccessRadius = 0.1f;
    public const int Length = 16;
    public const int Fps = 10;
    public const string Camera = "observation.images.top";

    private readonly float[] _agent = new float[2];
    private readonly float[] _target = new float[2];

    public PointReach(int imageSide) => ImageSide = imageSide;

    public int ImageSide { get; }

    public float[] Agent => [.. _agent];
    public float[] Target => [.. _target];

    /// <summary>Agent and target at least 0.7 apart, so every episode is mostly moving rather than holding still.</summary>
    public void Reset(Random rng)
    {
        do
        {
            for (var i = 0; i < 2; i++)
            {
                _agent[i] = (float)(rng.NextDouble() * 1.6 - 0.8);
                _target[i] = (float)(rng.NextDouble() * 1.6 - 0.8);
            }
        }
        while (Distance < 0.7);
    }

    public float[] ExpertAction() => [Math.Clamp(_target[0] - _agent[0], -MaxStep, MaxStep), Math.Clamp(_target[1] - _agent[1], -MaxStep, MaxStep)];

    /// <summary>Moves by the action, clipped to the step limit and the plane.</summary>
    public void Step(ReadOnlySpan<float> action)
    {
        for (var i = 0; i < 2; i++)
            _agent[i] = Math.Clamp(_agent[i] + Math.Clamp(action[i], -MaxStep, MaxStep), -1f, 1f);
    }

    public double Distance => Math.Sqrt(Math.Pow(_agent[0] - _target[0], 2) + Math.Pow(_agent[1] - _target[1], 2));

    public bool Succeeded => Distance < SuccessRadius;

    public ImageFrame Render()
    {
        var s = ImageSide;
        var px = new byte[s * s * 3];
        Array.Fill(px, (byte)90);
        void Square(float[] at, byte r, byte g, byte b)
        {
            var half = Math.Max(1, s / 16);
            var cx = (int)Math.Round((at[0] + 1) / 2 * (s - 1));
            var cy = (int)Math.Round((at[1] + 1) / 2 * (s - 1));
            for (var y = Math.Max(0, cy - half); y <= Math.Min(s - 1, cy + half); y++)
                for (var x = Math.Max(0, cx - half); x <= Math.Min(s - 1, cx + half); x++)
                    (px[(y * s + x) * 3], px[(y * s + x) * 3 + 1], px[(y * s + x) * 3 + 2]) = (r, g, b);
        }
        Square(_target, 40, 220, 40);
        Square(_agent, 220, 40, 40);
        return new ImageFrame(s, s, 3, px);
    }

    /// <summary>The camera frame as the dataset returns it: float C×H×W in [0, 1].</summary>
    public float[] RenderChw()
    {
        var image = Render();
        var chw = new float[image.Pixels.Length];
        image.ToChwFloats(chw);
        return chw;
    }

    /// <summary>
    /// Records <paramref name="episodes"/> expert demonstrations as a LeRobot v3 dataset with the recorder: state
    /// (agent position), the camera when <paramref name="camera"/>, else the target as environment state, and the action.
    /// </summary>
    public static async Task RecordAsync(string root, int episodes, int seed, bool camera, int imageSide = 32)
    {
        List<FeatureSpec> features =
        [
            FeatureSpec.Numeric("observation.state", DTypes.Float32, [2], ["x", "y"]),
            FeatureSpec.Numeric("action", DTypes.Float32, [2], ["dx", "dy"]),
        ];
        features.Add(camera
            ? FeatureSpec.Camera(Camera, imageSide, imageSide)
            : FeatureSpec.Numeric("observation.environment_state", DTypes.Float32, [2], ["target_x", "target_y"]));
        var recorder = DatasetRecorder.Create(root, Fps, features, "point_reach");
        var env = new PointReach(imageSide);
        var rng = new Random(seed);
        for (var e = 0; e < episodes; e++)
        {
            env.Reset(rng);
            for (var t = 0; t < Length; t++)
            {
                var action = env.ExpertAction();
                var frame = new Dictionary<string, object> { ["observation.state"] = env.Agent, ["action"] = action };
                if (camera) frame[Camera] = env.Render();
                else frame["observation.environment_state"] = env.Target;
                recorder.AddFrame(frame, "reach the green square");
                env.Step(action);
            }
            await recorder.SaveEpisodeAsync();
        }
        recorder.FinalizeDataset();
    }

    /// <summary>Runs <paramref name="episodes"/> episodes side by side with a batched policy and returns the fraction that succeed.</summary>
    public static double SuccessRate(Func<Dictionary<string, Tensor>, float[,]> policy, Action reset, int episodes, int seed, bool camera, int imageSide = 32)
    {
        var rng = new Random(seed);
        var envs = Enumerable.Range(0, episodes).Select(_ => new PointReach(imageSide)).ToList();
        foreach (var env in envs) env.Reset(rng);
        reset();
        for (var t = 0; t < Length; t++)
        {
            var observation = new Dictionary<string, Tensor>
            {
                ["observation.state"] = torch.tensor(envs.SelectMany(e => e.Agent).ToArray()).reshape(episodes, 2),
            };
            if (camera)
                observation[Camera] = torch.tensor(envs.SelectMany(e => e.RenderChw()).ToArray()).reshape(episodes, 3, imageSide, imageSide);
            else
                observation["observation.environment_state"] = torch.tensor(envs.SelectMany(e => e.Target).ToArray()).reshape(episodes, 2);
            var actions = policy(observation);
            for (var i = 0; i < episodes; i++) envs[i].Step([actions[i, 0], actions[i, 1]]);
        }
        return envs.Count(e => e.Succeeded) / (double)episodes;
    }
}
