using System.Text.Json.Nodes;
using RobotActors.Datasets.Images;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's ImageCropResizeProcessorStep: crops each image named in crop_params_dict to (top, left,
/// height, width), then resizes every image to resize_size. It works on the uint8 frames (see
/// <see cref="ImageCropResize"/>), so a 640×480 camera costs a row copy plus the 128×128 output, not a
/// float conversion of 300k pixels. A crop outside a frame is an error naming the camera and its size.
/// </summary>
[ProcessorStepName("image_crop_resize_processor")]
public sealed class ImageCropResizeProcessorStep : IProcessorStep
{
    public ImageCropResizeProcessorStep(IReadOnlyDictionary<string, CropBox>? cropParams, (int Height, int Width)? resizeSize)
    {
        CropParams = cropParams ?? new Dictionary<string, CropBox>();
        ResizeSize = resizeSize;
        if (resizeSize is { } r && (r.Height <= 0 || r.Width <= 0))
            throw new ArgumentException($"resize_size [{r.Height}, {r.Width}] must be positive.");
    }

    public IReadOnlyDictionary<string, CropBox> CropParams { get; }
    public (int Height, int Width)? ResizeSize { get; }

    public static ImageCropResizeProcessorStep FromConfig(JsonObject config)
    {
        var crops = new Dictionary<string, CropBox>();
        if (config["crop_params_dict"] is JsonObject dict)
            foreach (var (key, node) in dict)
            {
                var v = StepJson.Doubles(node);
                if (v.Length != 4) throw new ArgumentException($"crop_params_dict.{key} needs [top, left, height, width].");
                crops[key] = new CropBox((int)v[0], (int)v[1], (int)v[2], (int)v[3]);
            }
        var size = StepJson.Doubles(config["resize_size"]);
        return new(crops, size.Length == 2 ? ((int)size[0], (int)size[1]) : null);
    }

    public JsonObject GetConfig()
    {
        var crops = new JsonObject();
        foreach (var (k, b) in CropParams) crops[k] = StepJson.Array([b.Top, b.Left, b.Height, b.Width]);
        return new JsonObject
        {
            ["crop_params_dict"] = crops,
            ["resize_size"] = ResizeSize is { } r ? StepJson.Array([r.Height, r.Width]) : null,
        };
    }

    /// <summary>Checks a camera's frames fit its crop; the env config calls it at start so a bad crop fails before any motion.</summary>
    public void Validate(string imageKey, int height, int width)
    {
        if (CropParams.TryGetValue(imageKey, out var box) && !box.FitsIn(height, width))
            throw new ArgumentException(
                $"crop_params_dict[\"{imageKey}\"] = {box} (top, left, height, width) lies outside the camera's {width}x{height} frames " +
                $"(height {height}, width {width}); pick a box inside it, e.g. with `robotactors crop-dataset-roi`.");
    }

    public (int Height, int Width) OutputSize(string imageKey, int height, int width) =>
        ResizeSize ?? (CropParams.TryGetValue(imageKey, out var b) ? (b.Height, b.Width) : (height, width));

    public EnvTransition Process(EnvTransition transition)
    {
        foreach (var key in transition.Observation.Keys.Where(PolicyKeys.IsImage).ToList())
        {
            var image = transition.Observation[key];
            if (image.dtype != ScalarType.Byte || image.dim() != 3)
                throw new InvalidDataException($"image_crop_resize_processor: '{key}' must be a uint8 (height, width, channels) frame, got {image.dtype} [{string.Join(", ", image.shape)}].");
            int h = (int)image.shape[0], w = (int)image.shape[1], c = (int)image.shape[2];
            Validate(key, h, w);
            var crop = CropParams.TryGetValue(key, out var b) ? b : new CropBox(0, 0, h, w);
            var (outH, outW) = OutputSize(key, h, w);
            if (crop == new CropBox(0, 0, h, w) && (outH, outW) == (h, w)) continue;
            var output = new byte[outH * outW * c];
            ImageCropResize.Apply(image.bytes, h, w, c, crop, outH, outW, output);
            transition.Observation[key] = torch.tensor(output, [outH, outW, c]);
        }
        return transition;
    }

    public Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features)
    {
        if (!features.TryGetValue(PipelineFeatureType.Observation, out var obs)) return features;
        foreach (var key in obs.Keys.Where(PolicyKeys.IsImage).ToList())
        {
            var f = obs[key];
            var (h, w) = OutputSize(key, f.Shape[1], f.Shape[2]);
            obs[key] = f with { Shape = [f.Shape[0], h, w] };
        }
        return features;
    }
}
