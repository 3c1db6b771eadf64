using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;

namespace RobotActors.Host.Tests.Policies;

/// <summary>
/// A LeRobot v3 dataset of 64×64 camera frames labelled by "next.reward": 1 when the red cube sits on the
/// green pad, 0 when it is elsewhere. Frames alternate between the two.
/// </summary>
public static class SceneDataset
{
    public const int Size = 64;

    public static async Task WriteAsync(string root, int episodes = 4, int length = 24)
    {
        var recorder = DatasetRecorder.Create(root, 10,
        [
            FeatureSpec.Camera("observation.images.front", Size, Size),
            FeatureSpec.Numeric("next.reward", DTypes.Float32, [1]),
        ], "so101_follower");
        var rng = new Random(3);
        for (var e = 0; e < episodes; e++)
        {
            for (var i = 0; i < length; i++)
            {
                var success = i % 2 == 0;
                recorder.AddFrame(new Dictionary<string, object>
                {
                    ["observation.images.front"] = Render(rng, success),
                    ["next.reward"] = new[] { success ? 1f : 0f },
                }, "put the cube on the pad");
            }
            await recorder.SaveEpisodeAsync();
        }
        recorder.FinalizeDataset();
    }

    private static ImageFrame Render(Random rng, bool success)
    {
        var px = new byte[Size * Size * 3];
        for (var i = 0; i < px.Length; i++) px[i] = (byte)rng.Next(70, 120);
        int padX = rng.Next(2, Size - 20), padY = rng.Next(2, Size - 20);
        Fill(px, padX, padY, 16, 30, 200, 30);
        int cubeX, cubeY;
        if (success) (cubeX, cubeY) = (padX + rng.Next(2, 8), padY + rng.Next(2, 8));
        else
            do { cubeX = rng.Next(0, Size - 8); cubeY = rng.Next(0, Size - 8); }
            while (cubeX > padX - 10 && cubeX < padX + 18 && cubeY > padY - 10 && cubeY < padY + 18);
        Fill(px, cubeX, cubeY, 8, 220, 30, 30);
        return new ImageFrame(Size, Size, 3, px);
    }

    private static void Fill(byte[] px, int x0, int y0, int side, byte r, byte g, byte b)
    {
        for (var y = y0; y < Math.Min(y0 + side, Size); y++)
            for (var x = x0; x < Math.Min(x0 + side, Size); x++)
            {
                var p = (y * Size + x) * 3;
                (px[p], px[p + 1], px[p + 2]) = (r, g, b);
            }
    }
}
