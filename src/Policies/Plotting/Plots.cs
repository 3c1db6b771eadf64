using ScottPlot;
using SkiaSharp;

namespace RobotActors.Policies.Plotting;

/// <summary>One line of a plot: a name and its points.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>One panel of a figure: a title, a y label and its lines.</summary>
public sealed record Panel(string Title, string YLabel, IReadOnlyList<Series> Series);

/// <summary>
/// PNG figures of numbers people would rather look at than read (loss curves, episode returns, learner
/// throughput), with ScottPlot. Files are written under a temporary name and renamed, so a reader never
/// sees half a PNG. Non-finite points are left out.
/// </summary>
public static class Plots
{
    /// <summary>A figure of one panel: several lines against a shared x axis.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, int width = 900, int height = 500) =>
        Panels(path, xLabel, [new Panel(title, yLabel, series)], width, height);

    /// <summary>Panels laid out in a grid (two columns from two panels on), each with its own y scale.</summary>
    public static void Panels(string path, string xLabel, IReadOnlyList<Panel> panels, int panelWidth = 450, int panelHeight = 300)
    {
        if (panels.Count == 0) throw new ArgumentException("a figure needs at least one panel");
        var columns = panels.Count == 1 ? 1 : 2;
        var rows = (panels.Count + columns - 1) / columns;
        var plots = panels.Select(p => Render(p, xLabel)).ToList();
        var figure = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1)) figure.Subplots.Add(plot);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);

        int width = panelWidth * columns, height = panelHeight * rows;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        figure.Render(surface.Canvas, new PixelRect(0, width, height, 0));
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, png.ToArray());
        File.Move(temp, path, overwrite: true);
    }

    private static Plot Render(Panel panel, string xLabel)
    {
        var plot = new Plot();
        plot.Title(panel.Title);
        plot.XLabel(xLabel);
        plot.YLabel(panel.YLabel);
        foreach (var s in panel.Series)
        {
            var points = s.X.Zip(s.Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray());
            if (panel.Series.Count > 1) line.LegendText = s.Name; // a single line is named by the panel
            line.MarkerSize = points.Length == 1 ? 5 : 0;
        }
        if (panel.Series.Count > 1) plot.ShowLegend();
        return plot;
    }
}
