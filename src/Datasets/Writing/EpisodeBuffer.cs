using System.Collections;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;

namespace RobotActors.Datasets.Writing;

/// <summary>
/// Frames of the episode being recorded, held in memory until the episode is saved or discarded.
/// Numbers are checked against info.json's dtype and shape on arrival, so a bad frame is refused at
/// add_frame time, naming the feature, rather than corrupting a file later.
/// </summary>
internal sealed class EpisodeBuffer
{
    private readonly DatasetInfo _info;
    private readonly Dictionary<string, List<double>> _numeric = [];
    private readonly Dictionary<string, List<ImageFrame>> _images = [];
    private readonly List<string> _tasks = [];

    public EpisodeBuffer(DatasetInfo info)
    {
        _info = info;
        foreach (var f in UserFeatures)
        {
            if (f.IsVisual)
                _images[f.Key] = [];
            else if (f.IsNumeric)
                _numeric[f.Key] = [];
        }
    }

    private IEnumerable<FeatureSpec> UserFeatures => _info.Features.Where(f => !f.IsDefault);

    public int Count => _tasks.Count;
    public IReadOnlyList<string> Tasks => _tasks;
    public IReadOnlyDictionary<string, List<ImageFrame>> Images => _images;
    public double[] NumericValues(string key) => _numeric[key].ToArray();

    public void Add(IReadOnlyDictionary<string, object> frame, string task)
    {
        if (string.IsNullOrEmpty(task))
            throw new DatasetFormatException("add_frame needs a task (a short description of what the episode does).");
        foreach (var key in frame.Keys)
        {
            if (!_info.HasFeature(key))
                throw new DatasetFormatException($"Frame has '{key}', which is not a feature of this dataset; features: {string.Join(", ", UserFeatures.Select(f => f.Key))}.");
            if (_info.Feature(key).IsDefault)
                throw new DatasetFormatException($"'{key}' is filled in by the dataset; do not pass it in a frame.");
        }
        // Convert everything first, then commit, so a refused frame leaves the buffer unchanged.
        var numbers = new Dictionary<string, double[]>();
        var images = new Dictionary<string, ImageFrame>();
        foreach (var f in UserFeatures)
        {
            if (!frame.TryGetValue(f.Key, out var value))
                throw new DatasetFormatException($"Frame is missing feature '{f.Key}' ({f.DType} {Shape(f.Shape)}).");
            if (f.IsVisual)
                images[f.Key] = ToImage(f, value);
            else if (f.IsNumeric)
                numbers[f.Key] = ToNumbers(f, value);
        }
        foreach (var (k, v) in numbers)
            _numeric[k].AddRange(v);
        foreach (var (k, v) in images)
            _images[k].Add(v);
        _tasks.Add(task);
    }

    public void Clear()
    {
        foreach (var l in _numeric.Values)
            l.Clear();
        foreach (var l in _images.Values)
            l.Clear();
        _tasks.Clear();
    }

    private static string Shape(int[] s) => "[" + string.Join(",", s) + "]";

    private static ImageFrame ToImage(FeatureSpec f, object value)
    {
        var img = value switch
        {
            ImageFrame i => i,
            byte[] b when b.Length == f.ElementCount => new ImageFrame(f.Height, f.Width, f.Channels, b),
            _ => throw new DatasetFormatException($"Feature '{f.Key}' expects an ImageFrame (or {f.ElementCount} HWC bytes) of shape {Shape(f.Shape)}, got {Describe(value)}."),
        };
        if (img.Height != f.Height || img.Width != f.Width || img.Channels != f.Channels)
            throw new DatasetFormatException($"Feature '{f.Key}' expects images of shape {Shape(f.Shape)}, got [{img.Height},{img.Width},{img.Channels}].");
        return img;
    }

    private static double[] ToNumbers(FeatureSpec f, object value)
    {
        double[] v = value switch
        {
            double d => [d],
            float x => [x],
            long l => [l],
            int i => [i],
            bool b => [b ? 1 : 0],
            double[] a => a,
            float[] a => Array.ConvertAll(a, x => (double)x),
            long[] a => Array.ConvertAll(a, x => (double)x),
            int[] a => Array.ConvertAll(a, x => (double)x),
            bool[] a => Array.ConvertAll(a, x => x ? 1.0 : 0.0),
            byte[] a => Array.ConvertAll(a, x => (double)x),
            IEnumerable e and not string => e.Cast<object>().Select(o => Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            _ => throw new DatasetFormatException($"Feature '{f.Key}' expects {f.DType} values of shape {Shape(f.Shape)}, got {Describe(value)}."),
        };
        if (v.Length != f.ElementCount)
            throw new DatasetFormatException($"Feature '{f.Key}' expects {f.ElementCount} values (shape {Shape(f.Shape)}), got {v.Length}.");
        if (f.DType is "float32" or "float64")
        {
            for (int i = 0; i < v.Length; i++)
                if (f.DType == "float32")
                    v[i] = (float)v[i];
        }
        else
        {
            for (int i = 0; i < v.Length; i++)
                if (v[i] != Math.Floor(v[i]) || double.IsInfinity(v[i]))
                    throw new DatasetFormatException($"Feature '{f.Key}' is {f.DType} but value {v[i]} at position {i} is not a whole number.");
        }
        return v;
    }

    private static string Describe(object? v) => v switch
    {
        null => "null",
        Array a => $"{a.GetType().GetElementType()?.Name}[{a.Length}]",
        _ => v.GetType().Name,
    };
}
