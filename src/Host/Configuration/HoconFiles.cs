using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace RobotActors.Host.Configuration;

/// <summary>
/// Reads HOCON files with their includes (resolved next to the including file, then among the shipped
/// configs), turning syntax errors and missing files into <see cref="ConfigException"/>s that name the file.
/// </summary>
internal static class HoconFiles
{
    public const string ShippedFolder = "hocon";

    /// <summary>Finds a config file: as given, else among the configs shipped beside the executable.</summary>
    public static string Resolve(string path, string? relativeTo = null)
    {
        var candidates = new List<string>();
        if (relativeTo is not null && !Path.IsPathRooted(path)) candidates.Add(Path.Combine(relativeTo, path));
        candidates.Add(Path.GetFullPath(path));
        if (!Path.IsPathRooted(path))
        {
            candidates.Add(Path.Combine(AppContext.BaseDirectory, ShippedFolder, Path.GetFileName(path)));
        }
        return candidates.FirstOrDefault(File.Exists) ?? throw new ConfigException(
            $"config file not found: {path}. Give the path of a HOCON file, e.g. --config hocon/single-node.conf " +
            $"(shipped: {string.Join(", ", ShippedNames())}).");
    }

    public static IEnumerable<string> ShippedNames()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, ShippedFolder);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.conf").Select(Path.GetFileName).Order()! : [];
    }

    /// <summary>Parses a file and its includes. <paramref name="visited"/> lists every file read, includes first.</summary>
    public static Config Parse(string file, List<string> visited) => new(ParseRoot(file, visited, new Stack<string>()));

    /// <summary>Parses a file's own text, ignoring its includes: used to find which keys a file itself sets.</summary>
    public static Config ParseOwn(string file) =>
        new(ParseText(File.ReadAllText(file), file, _ => EmptyRoot()));

    public static Config ParseString(string text, string source) =>
        new(ParseText(text, source, _ => EmptyRoot()));

    private static HoconRoot EmptyRoot()
    {
        var value = new HoconValue();
        value.NewValue(new HoconObject());
        return new HoconRoot(value);
    }

    private static HoconRoot ParseRoot(string file, List<string> visited, Stack<string> stack)
    {
        if (stack.Contains(file))
            throw new ConfigException($"{Display(file)}: includes itself through {string.Join(" -> ", stack.Reverse().Select(Display))}. Remove the circular include.");
        stack.Push(file);
        try
        {
            var directory = Path.GetDirectoryName(file)!;
            var root = ParseText(File.ReadAllText(file), file, include =>
            {
                var name = IncludeName(include);
                string target;
                try { target = Resolve(name, directory); }
                catch (ConfigException) { throw new ConfigException($"{Display(file)}: included file not found: {name}. Put it next to {Path.GetFileName(file)} or fix the include."); }
                return ParseRoot(target, visited, stack);
            });
            visited.Add(file);
            return root;
        }
        finally
        {
            stack.Pop();
        }
    }

    private static HoconRoot ParseText(string text, string source, Func<string, HoconRoot> include)
    {
        text = CheckBrackets(text, source);
        try
        {
            return Parser.Parse(text, include);
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new ConfigException($"{Display(source)}: HOCON syntax error: {ex.Message.Trim()} Fix the file (keys look like `robotactors.node.port = 4053`).", ex);
        }
    }

    /// <summary>
    /// Akka's parser accepts a file that ends inside an object, silently dropping what follows; an
    /// unclosed brace is the commonest HOCON typo, so check bracket balance first and name the line.
    /// It also refuses a comma after a nested object (<c>node { port = 4053 }, robots = []</c>), which HOCON
    /// allows; between the fields of an object that comma is turned into a blank (same positions, same
    /// meaning), while commas between list elements are left alone.
    /// </summary>
    private static string CheckBrackets(string text, string source)
    {
        var chars = text.ToCharArray();
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') { line++; continue; }
            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                continue;
            }
            if (c == '"')
            {
                var triple = i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"';
                var end = triple ? text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal) : QuoteEnd(text, i + 1);
                if (end < 0) throw new ConfigException($"{Display(source)}: HOCON syntax error: the string starting on line {line} is never closed. Add the closing quote.");
                line += text.AsSpan(i, end - i).Count('\n');
                i = triple ? end + 2 : end;
                continue;
            }
            if (c is '{' or '[') open.Push((c, line));
            else if (c is '}' or ']')
            {
                var expected = c == '}' ? '{' : '[';
                if (open.Count == 0 || open.Peek().Bracket != expected)
                    throw new ConfigException($"{Display(source)}: HOCON syntax error: unexpected '{c}' on line {line}. Remove it or add the matching '{expected}'.");
                open.Pop();
                if (c == '}' && (open.Count == 0 || open.Peek().Bracket == '{'))
                {
                    var next = i + 1;
                    while (next < text.Length && text[next] is ' ' or '\t') next++;
                    if (next < text.Length && text[next] == ',') chars[next] = ' ';
                }
            }
        }
        if (open.Count > 0)
        {
            var (bracket, at) = open.Peek();
            throw new ConfigException($"{Display(source)}: HOCON syntax error: '{bracket}' opened on line {at} is never closed. Add the closing '{(bracket == '{' ? '}' : ']')}'.");
        }
        return new string(chars);
    }

    private static int QuoteEnd(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '"') return i;
            if (text[i] == '\n') return -1;
        }
        return -1;
    }

    /// <summary>Akka hands the include target over as written: "x.conf", file("x.conf") or similar.</summary>
    private static string IncludeName(string include)
    {
        var s = include.Trim();
        foreach (var wrapper in new[] { "file(", "classpath(", "url(" })
            if (s.StartsWith(wrapper, StringComparison.Ordinal) && s.EndsWith(')')) s = s[wrapper.Length..^1].Trim();
        return s.Trim('"');
    }

    /// <summary>A path as a user would recognise it: relative to the working directory when it is below it.</summary>
    public static string Display(string path)
    {
        if (!Path.IsPathRooted(path)) return path;
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
