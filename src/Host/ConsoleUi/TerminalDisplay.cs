using System.CommandLine;
using System.Globalization;
using System.Text;
using RobotActors.Devices.Cameras;

namespace RobotActors.Host.ConsoleUi;

/// <summary>
/// LeRobot's --display_data shows the cameras and the joint values live (in rerun). Here they are drawn in the
/// terminal: each camera's latest frame as coloured half-block characters (two pixel rows per text row, 24-bit
/// ANSI colour) and one line per joint, redrawn in place a few times a second. Without a terminal to draw in
/// (output redirected, TERM=dumb) it says so once and the command carries on.
/// </summary>
public sealed class TerminalDisplay(TextWriter output, TimeSpan interval, int maxColumns = 48)
{
    private DateTime _next = DateTime.MinValue;

    public static Option<bool> CreateOption() => new("--display_data")
    {
        Description = "Show the cameras' latest frames and the joint values in the terminal while running (LeRobot's display_data).",
    };

    /// <summary>A display when <paramref name="enabled"/> and the output is a terminal; otherwise null, after one warning when it was asked for.</summary>
    public static TerminalDisplay? Open(bool enabled, TextWriter output, TextWriter warnings)
    {
        if (!enabled) return null;
        var term = Environment.GetEnvironmentVariable("TERM");
        if (Console.IsOutputRedirected || string.IsNullOrEmpty(term) || term == "dumb")
        {
            warnings.WriteLine("warning: --display_data: no display is available (the output is not a terminal); joint values are printed once a second instead");
            return null;
        }
        return new TerminalDisplay(output, TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Redraws when the last drawing is older than the interval; cheap to call every tick.</summary>
    public void Show(IReadOnlyDictionary<string, double> joints, IReadOnlyDictionary<string, Frame>? cameras = null)
    {
        var now = DateTime.UtcNow;
        if (now < _next) return;
        _next = now + interval;
        output.Write("\u001b[H\u001b[J" + Render(joints, cameras, maxColumns));
        output.Flush();
    }

    /// <summary>The text of one drawing (without the cursor-home prefix), for a terminal that understands 24-bit colour.</summary>
    public static string Render(IReadOnlyDictionary<string, double> joints, IReadOnlyDictionary<string, Frame>? cameras, int maxColumns)
    {
        var text = new StringBuilder();
        foreach (var (name, frame) in cameras ?? new Dictionary<string, Frame>())
        {
            text.Append(CultureInfo.InvariantCulture, $"{name} ({frame.Width}x{frame.Height}, frame {frame.Index})\n");
            var columns = Math.Min(maxColumns, frame.Width);
            var rows = Math.Max(1, (int)Math.Round(frame.Height * (double)columns / frame.Width / 2));
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var x = c * frame.Width / columns;
                    var top = Pixel(frame, x, (2 * r) * frame.Height / (2 * rows));
                    var bottom = Pixel(frame, x, (2 * r + 1) * frame.Height / (2 * rows));
                    text.Append(CultureInfo.InvariantCulture, $"\u001b[38;2;{top.R};{top.G};{top.B}m\u001b[48;2;{bottom.R};{bottom.G};{bottom.B}m\u2580");
                }
                text.Append("\u001b[0m\n");
            }
        }
        foreach (var (name, value) in joints)
            text.Append(CultureInfo.InvariantCulture, $"{name,-18} {value,9:F2}\n");
        return text.ToString();
    }

    private static (byte R, byte G, byte B) Pixel(Frame f, int x, int y) =>
        f.Channels >= 3 ? (f[y, x, 0], f[y, x, 1], f[y, x, 2]) : (f[y, x, 0], f[y, x, 0], f[y, x, 0]);
}
