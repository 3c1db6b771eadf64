using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Writing;

namespace RobotActors.Rl.Tools;

/// <summary>
/// LeRobot's crop_dataset_roi: a copy of a dataset with each camera cropped to its region of interest
/// (top, left, height, width) and resized (LeRobot: 128×128), every other feature unchanged. The episode of
/// each frame is saved when that episode ends (LeRobot saved it after the next episode's first frame).
/// </summary>
public static class DatasetRoiCrop
{
    /// <summary>Checks every crop against its camera's frame size; the error names the camera and its size.</summary>
    public static void Validate(DatasetInfo info, IReadOnlyDictionary<string, CropBox> crops)
    {
        var cameras = info.Features.Where(f => f.IsVisual).ToDictionary(f => f.Key);
        foreach (var (key, box) in crops)
        {
            if (!cameras.TryGetValue(key, out var f))
                throw new ArgumentException($"--crop {key}: the dataset has no camera '{key}' (it has {string.Join(", ", cameras.Keys)}).");
            if (!box.FitsIn(f.Height, f.Width))
                throw new ArgumentException($"--crop {key}={box.Top},{box.Left},{box.Height},{box.Width}: the box lies outside camera '{key}', whose frames are {f.Width}x{f.Height} (width {f.Width}, height {f.Height}).");
        }
    }

    public static async Task<int> RunAsync(LeRobotDataset source, string newRoot, IReadOnlyDictionary<string, CropBox> crops,
        (int Height, int Width) size, Action<string>? progress = null)
    {
        Validate(source.Info, crops);
        var features = source.Info.Features.Where(f => !f.IsDefault).Select(f => f.IsVisual
                ? FeatureSpec.Camera(f.Key, size.Height, size.Width, f.Channels, video: f.IsVideo)
                : new FeatureSpec(f.Key, f.DType, f.Shape, f.Names?.DeepClone()))
            .ToList();
        var recorder = DatasetRecorder.Create(newRoot, source.Fps, features, source.Info.RobotType);
        var frames = 0;
        foreach (var episode in source.Episodes)
        {
            for (var i = episode.DatasetFromIndex; i < episode.DatasetToIndex; i++)
            {
                var frame = source.GetGlobal(i);
                var values = new Dictionary<string, object>();
                foreach (var f in features)
                {
                    var value = frame[f.Key];
                    values[f.Key] = f.IsVisual
                        ? ImageCropResize.Apply(value.Image, crops.TryGetValue(f.Key, out var box) ? box : null, size)
                        : value.Numbers!;
                }
                recorder.AddFrame(values, frame.Task ?? "");
                frames++;
            }
            await recorder.SaveEpisodeAsync();
            progress?.Invoke($"episode {episode.EpisodeIndex}: {episode.Length} frames");
        }
        recorder.FinalizeDataset();
        return frames;
    }
}
