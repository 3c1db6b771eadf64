using System.Text;

namespace RobotActors.Host.ConsoleUi;

/// <summary>
/// Reads a line with editing and history (Up/Down, Left/Right, Home/End, Backspace, Delete) when the
/// console is a terminal; falls back to plain ReadLine when input is redirected (scripts, tests).
/// History persists in ~/.robotactors_history.
/// </summary>
public sealed class LineEditor
{
    private const int MaxHistory = 500;
    private readonly List<string> _history;
    private readonly string? _historyFile;

    public LineEditor(string? historyFile)
    {
        _historyFile = historyFile;
        _history = historyFile is not null && File.Exists(historyFile)
            ? File.ReadAllLines(historyFile).TakeLast(MaxHistory).ToList()
            : [];
    }

    public IReadOnlyList<string> History => _history;

    /// <summary>Returns the line typed, or null at end of input (Ctrl+D on an empty line).</summary>
    public string? ReadLine(string prompt)
    {
        // A script piping commands in gets answers only, not prompts run together with them.
        if (!Console.IsInputRedirected) Console.Write(prompt);
        var line = Console.IsInputRedirected ? Console.ReadLine() : ReadInteractive(prompt);
        if (!string.IsNullOrWhiteSpace(line) && (_history.Count == 0 || _history[^1] != line))
        {
            _history.Add(line);
            if (_historyFile is not null)
            {
                try { File.AppendAllLines(_historyFile, [line]); }
                catch (IOException) { /* history is a convenience; never fail a command over it */ }
                catch (UnauthorizedAccessException) { }
            }
        }
        return line;
    }

    private string? ReadInteractive(string prompt)
    {
        var buffer = new StringBuilder();
        var cursor = 0;
        var recall = _history.Count;
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    return buffer.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    buffer.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < buffer.Length:
                    buffer.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < buffer.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = buffer.Length;
                    break;
                case ConsoleKey.UpArrow when recall > 0:
                    Replace(buffer, _history[--recall], ref cursor);
                    break;
                case ConsoleKey.DownArrow when recall < _history.Count:
                    recall++;
                    Replace(buffer, recall < _history.Count ? _history[recall] : "", ref cursor);
                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && buffer.Length == 0:
                    Console.WriteLine();
                    return null;
                default:
                    if (!char.IsControl(key.KeyChar))
                        buffer.Insert(cursor++, key.KeyChar);
                    break;
            }
            Redraw(prompt, buffer, cursor);
        }
    }

    private static void Replace(StringBuilder buffer, string text, ref int cursor)
    {
        buffer.Clear().Append(text);
        cursor = buffer.Length;
    }

    private static void Redraw(string prompt, StringBuilder buffer, int cursor)
    {
        // Carriage return, the line, clear to end of line, then put the cursor back where it belongs.
        Console.Write($"\r{prompt}{buffer}\u001b[K");
        var back = buffer.Length - cursor;
        if (back > 0) Console.Write($"\u001b[{back}D");
    }
}
