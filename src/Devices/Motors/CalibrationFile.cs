using System.Text.Json;

namespace RobotActors.Devices.Motors;

/// <summary>
/// LeRobot's calibration JSON: {"shoulder_pan": {"id":1,"drive_mode":0,"homing_offset":-1470,"range_min":758,"range_max":3292}, ...}
/// stored at $HF_LEROBOT_CALIBRATION/{robots|teleoperators}/&lt;type&gt;/&lt;id&gt;.json. Reading is strict: a
/// misspelled or missing key is an error, never a silent zero that would end up in a servo's EPROM.
/// </summary>
public static class CalibrationFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The keys of one motor's entry, in LeRobot's order.</summary>
    public static readonly IReadOnlyList<string> Keys = ["id", "drive_mode", "homing_offset", "range_min", "range_max"];

    public const string DefaultFix = "Fix the file, or run `robotactors calibrate` to make a new one.";

    /// <summary>$HF_LEROBOT_CALIBRATION, else $HF_LEROBOT_HOME/calibration, else $HF_HOME/lerobot/calibration, else ~/.cache/huggingface/lerobot/calibration.</summary>
    public static string Root()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("HF_LEROBOT_CALIBRATION");
        if (!string.IsNullOrEmpty(explicitRoot))
            return explicitRoot;
        var home = Environment.GetEnvironmentVariable("HF_LEROBOT_HOME");
        if (string.IsNullOrEmpty(home))
        {
            var hf = Environment.GetEnvironmentVariable("HF_HOME");
            if (string.IsNullOrEmpty(hf))
                hf = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
            home = Path.Combine(hf, "lerobot");
        }
        return Path.Combine(home, "calibration");
    }

    /// <summary>
    /// Reads and checks a calibration file. Without <paramref name="rules"/> only the file's own shape is
    /// checked (keys, integers, range_min below range_max); with them also the motors, ids, and the
    /// servos' resolution and homing-offset limits. Every problem is reported at once in one
    /// <see cref="CalibrationException"/>.
    /// </summary>
    public static Dictionary<string, MotorCalibration> Load(string path, CalibrationRules? rules = null, string fix = DefaultFix)
    {
        var source = $"Calibration file '{path}'";
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CalibrationException(source, [$"cannot be read: {e.Message}"], fix);
        }
        var problems = new List<string>();
        var result = Parse(text, problems);
        if (problems.Count == 0 && rules is not null)
            problems.AddRange(rules.Check(result));
        if (problems.Count > 0)
            throw new CalibrationException(source, problems, fix);
        return result;
    }

    private static Dictionary<string, MotorCalibration> Parse(string text, List<string> problems)
    {
        var result = new Dictionary<string, MotorCalibration>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            problems.Add($"not valid JSON ({e.Message})");
            return result;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"expected a JSON object of motors, got {Describe(document.RootElement)}");
                return result;
            }
            foreach (var motor in document.RootElement.EnumerateObject())
            {
                if (result.ContainsKey(motor.Name))
                    problems.Add($"{motor.Name}: appears twice");
                else if (ParseMotor(motor.Name, motor.Value, problems) is { } calibration)
                    result[motor.Name] = calibration;
            }
            if (result.Count == 0 && problems.Count == 0)
                problems.Add("holds no motors");
        }
        return result;
    }

    private static MotorCalibration? ParseMotor(string motor, JsonElement entry, List<string> problems)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{motor}: expected an object with {string.Join(", ", Keys)}, got {Describe(entry)}");
            return null;
        }
        var values = new Dictionary<string, int>();
        var suggested = new HashSet<string>();
        var before = problems.Count;
        foreach (var property in entry.EnumerateObject())
        {
            if (!Keys.Contains(property.Name))
            {
                var near = Keys.Where(k => !entry.TryGetProperty(k, out _)).FirstOrDefault(k => EditDistance(k, property.Name) <= 2);
                if (near is not null) suggested.Add(near); // "did you mean" already says it is missing
                problems.Add($"{motor}: unknown key '{property.Name}'" + (near is null ? $" (the keys are {string.Join(", ", Keys)})" : $" (did you mean '{near}'?)"));
            }
            else if (values.ContainsKey(property.Name))
                problems.Add($"{motor}: key '{property.Name}' appears twice");
            else if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var v))
                values[property.Name] = v;
            else
                problems.Add($"{motor}: {property.Name} must be an integer, got {Describe(property.Value)}");
        }
        foreach (var key in Keys)
            if (!values.ContainsKey(key) && !entry.TryGetProperty(key, out _) && !suggested.Contains(key))
                problems.Add($"{motor}: missing key '{key}'");
        if (problems.Count > before) return null;
        var calibration = new MotorCalibration(values["id"], values["drive_mode"], values["homing_offset"], values["range_min"], values["range_max"]);
        problems.AddRange(CalibrationRules.CheckOrder(motor, calibration));
        return calibration;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => e.GetRawText(),
    };

    /// <summary>Levenshtein distance, for "did you mean" on a misspelled key.</summary>
    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>Writes through a temporary file and a rename so a crash never leaves half a calibration.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(calibration, Options));
        File.Move(temp, path, overwrite: true);
    }
}
