using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;

namespace RobotActors.Datasets.Stats;

/// <summary>
/// Per-episode statistics computed the way LeRobot's compute_episode_stats does: numeric features reduced
/// over frames per dimension; images sampled (estimate_num_samples), downsampled above 300 px, reduced
/// per channel over samples × height × width, then divided by 255. Quantiles are exact (numpy's
/// default linear interpolation); for uint8 images they come from a 256-bin histogram, which is exact too.
/// </summary>
public static class StatsComputer
{
    public static int EstimateNumSamples(int datasetLength, int minNumSamples = 100, int maxNumSamples = 10_000, double power = 0.75)
    {
        if (datasetLength < minNumSamples)
            minNumSamples = datasetLength;
        return Math.Max(minNumSamples, Math.Min((int)Math.Pow(datasetLength, power), maxNumSamples));
    }

    /// <summary>np.round(np.linspace(0, n - 1, samples)) with numpy's round-half-to-even.</summary>
    public static int[] SampleIndices(int length)
    {
        int samples = EstimateNumSamples(length);
        var idx = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            double v = samples == 1 ? 0 : (double)i * (length - 1) / (samples - 1);
            idx[i] = (int)Math.Round(v, MidpointRounding.ToEven);
        }
        return idx;
    }

    /// <summary>Stats of <paramref name="frames"/> rows of <paramref name="width"/> values each.</summary>
    public static FeatureStats Numeric(double[] values, int width, int[] shape)
    {
        int n = values.Length / width;
        if (n == 0)
            throw new DatasetFormatException("Cannot compute stats of an empty episode.");
        var s = new FeatureStats(shape);
        var min = new double[width];
        var max = new double[width];
        var mean = new double[width];
        var std = new double[width];
        var q = FeatureStats.Quantiles.Select(_ => new double[width]).ToArray();
        var column = new double[n];
        for (int d = 0; d < width; d++)
        {
            for (int r = 0; r < n; r++)
                column[r] = values[r * width + d];
            double sum = 0;
            foreach (var v in column)
                sum += v;
            double m = sum / n, sq = 0;
            foreach (var v in column)
                sq += (v - m) * (v - m);
            mean[d] = m;
            std[d] = Math.Sqrt(sq / n);
            Array.Sort(column);
            min[d] = column[0];
            max[d] = column[^1];
            for (int k = 0; k < q.Length; k++)
                q[k][d] = SortedQuantile(column, FeatureStats.Quantiles[k]);
        }
        Fill(s, min, max, mean, std, n, q);
        return s;
    }

    private static double SortedQuantile(double[] sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /// <summary>Per-channel image stats in [0, 1], shape (C, 1, 1), over a sample of the episode's frames.</summary>
    public static FeatureStats Image(Func<int, ImageFrame> frameAt, int length, int channels)
    {
        var indices = SampleIndices(length);
        var hist = new long[channels, 256];
        foreach (int i in indices)
        {
            var img = frameAt(i);
            if (img.Channels != channels)
                throw new DatasetFormatException($"Frame {i} has {img.Channels} channels, expected {channels}.");
            int step = DownsampleFactor(img.Height, img.Width);
            for (int y = 0; y < img.Height; y += step)
            {
                int rowBase = y * img.Width * channels;
                for (int x = 0; x < img.Width; x += step)
                {
                    int p = rowBase + x * channels;
                    for (int c = 0; c < channels; c++)
                        hist[c, img.Pixels[p + c]]++;
                }
            }
        }
        var s = new FeatureStats([channels, 1, 1]);
        var min = new double[channels];
        var max = new double[channels];
        var mean = new double[channels];
        var std = new double[channels];
        var q = FeatureStats.Quantiles.Select(_ => new double[channels]).ToArray();
        for (int c = 0; c < channels; c++)
        {
            long total = 0;
            double sum = 0;
            for (int v = 0; v < 256; v++)
            {
                total += hist[c, v];
                sum += (double)v * hist[c, v];
            }
            double m = sum / total, sq = 0;
            for (int v = 0; v < 256; v++)
                sq += hist[c, v] * (v - m) * (v - m);
            mean[c] = m / 255.0;
            std[c] = Math.Sqrt(sq / total) / 255.0;
            min[c] = FirstNonZero(hist, c, ascending: true) / 255.0;
            max[c] = FirstNonZero(hist, c, ascending: false) / 255.0;
            for (int k = 0; k < q.Length; k++)
                q[k][c] = HistogramQuantile(hist, c, total, FeatureStats.Quantiles[k]) / 255.0;
        }
        Fill(s, min, max, mean, std, indices.Length, q);
        return s;
    }

    /// <summary>LeRobot's auto_downsample_height_width: images above 300 px are strided down to about 150 px.</summary>
    public static int DownsampleFactor(int height, int width)
    {
        if (Math.Max(height, width) < 300)
            return 1;
        return width > height ? width / 150 : height / 150;
    }

    private static int FirstNonZero(long[,] hist, int c, bool ascending)
    {
        for (int k = 0; k < 256; k++)
        {
            int v = ascending ? k : 255 - k;
            if (hist[c, v] > 0)
                return v;
        }
        return 0;
    }

    private static double ValueAtRank(long[,] hist, int c, long rank)
    {
        long seen = 0;
        for (int v = 0; v < 256; v++)
        {
            seen += hist[c, v];
            if (seen > rank)
                return v;
        }
        return 255;
    }

    private static double HistogramQuantile(long[,] hist, int c, long total, double p)
    {
        double pos = p * (total - 1);
        long lo = (long)Math.Floor(pos);
        long hi = Math.Min(lo + 1, total - 1);
        double a = ValueAtRank(hist, c, lo), b = ValueAtRank(hist, c, hi);
        return a + (b - a) * (pos - lo);
    }

    private static void Fill(FeatureStats s, double[] min, double[] max, double[] mean, double[] std, long count, double[][] q)
    {
        s[FeatureStats.Min] = min;
        s[FeatureStats.Max] = max;
        s[FeatureStats.Mean] = mean;
        s[FeatureStats.Std] = std;
        s[FeatureStats.Count] = [count];
        for (int k = 0; k < q.Length; k++)
            s[FeatureStats.QuantileNames[k]] = q[k];
    }

    /// <summary>Stats of every numeric and visual feature of one episode.</summary>
    public static Dictionary<string, FeatureStats> Episode(
        DatasetInfo info, int length, IReadOnlyDictionary<string, double[]> numeric, Func<string, int, ImageFrame> imageAt)
    {
        var result = new Dictionary<string, FeatureStats>();
        foreach (var f in info.Features)
        {
            if (f.IsVisual)
                result[f.Key] = Image(i => imageAt(f.Key, i), length, f.Channels);
            else if (f.IsNumeric && numeric.TryGetValue(f.Key, out var values))
                result[f.Key] = Numeric(values, f.ElementCount, f.Shape);
        }
        return result;
    }
}
