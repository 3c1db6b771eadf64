using System.Text.Json;

namespace RobotActors.Devices.Motors;

/// <summary>
/// LeRobot's calibration JSON: {"shoulder_pan": {"id":1,"drive_mode":0,"homing_offset":-1470,"range_min":758,"range_max":3292}, ...}
/// stored at $HF_LEROBOT_CALIBRATION/{robots|teleoperators}/&lt;type&gt;/&lt;id&gt;.json.
/// </summary>
public static class CalibrationFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

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

    public static Dictionary<string, MotorCalibration> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot read calibration file '{path}': {e.Message}", e);
        }
        try
        {
            var parsed = JsonSerializer.Deserialize<Dictionary<string, MotorCalibration>>(text, Options);
            if (parsed is null || parsed.Count == 0)
                throw new InvalidDataException($"Calibration file '{path}' holds no motors. Delete it and run `robotactors calibrate` again.");
            return parsed;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Calibration file '{path}' is not valid LeRobot calibration JSON ({e.Message}). " +
                "Each motor needs id, drive_mode, homing_offset, range_min, range_max. Fix it or run `robotactors calibrate` again.", e);
        }
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
