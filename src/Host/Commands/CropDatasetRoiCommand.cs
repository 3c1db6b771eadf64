using System.CommandLine;
using System.Globalization;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Reading;
using RobotActors.Rl.Tools;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors crop-dataset-roi` (LeRobot's python -m lerobot.rl.crop_dataset_roi): with --crop for each camera
/// it prints LeRobot's lines and writes &lt;dataset&gt;_cropped_resized; without --crop it writes each camera's first
/// frame as a PNG with a pixel grid, to read the boxes off where no window can open.
/// </summary>
public static class CropDatasetRoiCommand
{
    public static Command Create()
    {
        var repoId = new Option<string?>("--repo-id") { Description = "The dataset (found at $HF_LEROBOT_HOME/<repo-id> unless --root is given)." };
        var root = new Option<string?>("--root") { Description = "The dataset folder." };
        var newRepoId = new Option<string?>("--new-repo-id") { Description = "Name of the cropped dataset (default <repo-id>_cropped_resized)." };
        var newRoot = new Option<string?>("--new-root") { Description = "Folder of the cropped dataset (default <root>_cropped_resized)." };
        var crop = new Option<string[]>("--crop") { Description = "A camera's region: observation.images.front=top,left,height,width (repeatable).", DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = false };
        var resize = new Option<string>("--resize") { Description = "Output size height,width (LeRobot uses 128,128).", DefaultValueFactory = _ => "128,128" };
        var output = new Option<string?>("--output_dir") { Description = "Without --crop: where the first-frame PNGs go (default <root>/roi)." };
        var push = new Option<bool>("--push-to-hub") { Description = "Accepted for LeRobot's command line; there is no Hub access here." };
        var command = new Command("crop-dataset-roi", "Crop a dataset's cameras to regions of interest and resize them (or write first frames with a pixel grid).")
        {
            repoId, root, newRepoId, newRoot, crop, resize, output, push,
        };
        command.SetAction((parse, _) => EnvCommandErrors.Run(async () =>
        {
            var source = EnvCommandErrors.DatasetRoot(parse.GetValue(root), parse.GetValue(repoId), "--root");
            if (!File.Exists(Path.Combine(source, "meta", "info.json")))
                throw new ArgumentException($"{source} is not a LeRobot dataset (no meta/info.json); give --root or --repo-id of a recorded dataset.");
            if (parse.GetValue(push)) Console.Error.WriteLine("warning: --push-to-hub is ignored: there is no Hub access here; the dataset stays on disk.");
            var dataset = await LeRobotDataset.OpenAsync(source);
            var crops = parse.GetValue(crop)!.Select(Parse).ToDictionary(c => c.Key, c => c.Box);
            if (crops.Count == 0)
            {
                var folder = parse.GetValue(output) ?? Path.Combine(source, "roi");
                Directory.CreateDirectory(folder);
                var first = dataset.GetGlobal(dataset.Episodes[0].DatasetFromIndex);
                foreach (var f in dataset.Features.Where(f => f.IsVisual))
                {
                    var path = Path.Combine(folder, $"{f.Key}.png");
                    File.WriteAllBytes(path, Png.Encode(FrameGrid.Draw(first[f.Key].Image)));
                    Console.WriteLine($"{f.Key}: {f.Width}x{f.Height} first frame with a pixel grid (lines every 10 px, labels every 50 px): {path}");
                }
                Console.WriteLine("Pick each camera's box and run again with --crop <camera>=top,left,height,width for every camera.");
                return ExitCodes.Ok;
            }
            var size = Numbers(parse.GetValue(resize)!, "--resize");
            DatasetRoiCrop.Validate(dataset.Info, crops);
            Console.WriteLine("Selected Rectangular Regions of Interest (top, left, height, width):");
            foreach (var (key, box) in crops) Console.WriteLine($"{key}: {box}");
            var target = parse.GetValue(newRoot) ?? (parse.GetValue(newRepoId) is { } id && parse.GetValue(root) is null
                ? EnvCommandErrors.DatasetRoot(null, id) : source.TrimEnd('/') + "_cropped_resized");
            var frames = await DatasetRoiCrop.RunAsync(dataset, target, crops, (size[0], size[1]), line => Console.Error.WriteLine(line));
            Console.WriteLine($"Wrote {frames} frames of {dataset.Episodes.Count} episodes, cameras cropped and resized to {size[0]}x{size[1]}, to {target}");
            return ExitCodes.Ok;
        }, parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static (string Key, CropBox Box) Parse(string text)
    {
        var eq = text.LastIndexOf('=');
        var numbers = eq > 0 ? text[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries) : [];
        if (eq <= 0 || numbers.Length != 4 || !numbers.All(n => int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            throw new ArgumentException($"--crop '{text}': write <camera>=top,left,height,width in pixels, e.g. observation.images.front=180,250,120,150.");
        var v = numbers.Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var key = text[..eq];
        return (key.StartsWith("observation.", StringComparison.Ordinal) ? key : $"observation.images.{key}", new CropBox(v[0], v[1], v[2], v[3]));
    }

    private static int[] Numbers(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts.All(p => int.TryParse(p, out var n) && n > 0))
            throw new ArgumentException($"{option} takes height,width (two positive whole numbers), got '{text}'.");
        return parts.Select(int.Parse).ToArray();
    }
}
