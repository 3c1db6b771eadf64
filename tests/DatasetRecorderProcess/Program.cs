using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;

// Usage: <root> <mode> <episodes>
//   mode "mid-episode": save <episodes> episodes, then record a further episode forever (never saved).
//   mode "saving":      save episodes back to back forever; the parent kills it at a random moment.
// Prints "SAVED <n>" after each committed save and "RECORDING" once inside the unsaved episode.
string root = args[0];
string mode = args[1];
int episodes = int.Parse(args[2]);

var features = new[]
{
    FeatureSpec.Numeric("observation.state", DTypes.Float32, [4]),
    FeatureSpec.Numeric("action", DTypes.Float32, [4]),
    FeatureSpec.Camera("observation.images.front", 48, 64),
};
var recorder = File.Exists(Path.Combine(root, DatasetPaths.InfoPath))
    ? await DatasetRecorder.OpenAsync(root)
    : DatasetRecorder.Create(root, 30, features, dataFilesSizeInMb: 0.05);

Dictionary<string, object> Frame(long episode, int i)
{
    var px = new byte[48 * 64 * 3];
    for (int p = 0; p < px.Length; p++)
        px[p] = (byte)(p + episode * 13 + i);
    return new Dictionary<string, object>
    {
        ["observation.state"] = new float[] { episode, i, episode + i, -i },
        ["action"] = new float[] { i, episode, 0.5f * i, 1 },
        ["observation.images.front"] = new ImageFrame(48, 64, 3, px),
    };
}

int saved = 0;
while (mode == "saving" || saved < episodes)
{
    long ep = recorder.Info.TotalEpisodes;
    for (int i = 0; i < 20; i++)
        recorder.AddFrame(Frame(ep, i), "stack the blocks");
    await recorder.SaveEpisodeAsync();
    saved++;
    Console.WriteLine($"SAVED {saved}");
}
long next = recorder.Info.TotalEpisodes;
for (int i = 0; ; i++)
{
    recorder.AddFrame(Frame(next, i % 1000), "stack the blocks");
    if (i == 5)
        Console.WriteLine("RECORDING");
    Thread.Sleep(5);
}
