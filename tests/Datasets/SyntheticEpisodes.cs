using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

/// <summary>Deterministic frames for a small robot: 3-joint state, 2-D action, a done flag and one camera.</summary>
public static class SyntheticEpisodes
{
    public const int Fps = 10;
    public const int H = 24, W = 32;

    public static FeatureSpec[] Features(bool video = false, int cameras = 1, int h = H, int w = W) =>
    [
        FeatureSpec.Numeric("observation.state", DTypes.Float32, [3], ["j0", "j1", "j2"]),
        FeatureSpec.Numeric("action", DTypes.Float32, [2], ["a0", "a1"]),
        FeatureSpec.Numeric("next.done", DTypes.Bool, [1]),
        .. Enumerable.Range(0, cameras).Select(c => FeatureSpec.Camera(c == 0 ? "observation.images.cam" : $"observation.images.cam{c}", h, w, 3, video)),
    ];

    public static float[] State(int episode, int i) => [episode + i * 0.5f, MathF.Sin(i + episode), -i * 0.25f];
    public static float[] Action(int episode, int i) => [episode * 10 + i, i % 3 - 1.5f];

    /// <summary>A smooth gradient with episode- and frame-dependent offsets (compresses and videos well).</summary>
    public static ImageFrame Image(int episode, int i, int camera = 0, int h = H, int w = W)
    {
        var px = new byte[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = (y * w + x) * 3;
                px[p] = (byte)(x * 255 / Math.Max(1, w - 1));
                px[p + 1] = (byte)(y * 255 / Math.Max(1, h - 1));
                px[p + 2] = (byte)((episode * 60 + i * 7 + camera * 30) % 256);
            }
        return new ImageFrame(h, w, 3, px);
    }

    public static Dictionary<string, object> Frame(int episode, int i, int length, int cameras = 1, int h = H, int w = W)
    {
        var f = new Dictionary<string, object>
        {
            ["observation.state"] = State(episode, i),
            ["action"] = Action(episode, i),
            ["next.done"] = i == length - 1,
        };
        for (int c = 0; c < cameras; c++)
            f[c == 0 ? "observation.images.cam" : $"observation.images.cam{c}"] = Image(episode, i, c, h, w);
        return f;
    }

    public static string Task(int episode) => episode % 2 == 0 ? "pick the cube" : "push the cube";

    public static async Task RecordAsync(DatasetRecorder recorder, int episode, int length, int cameras = 1)
    {
        for (int i = 0; i < length; i++)
            recorder.AddFrame(Frame(episode, i, length, cameras, recorder.Info.Features.First(f => f.IsVisual).Height, recorder.Info.Features.First(f => f.IsVisual).Width), Task(episode));
        await recorder.SaveEpisodeAsync();
    }
}
