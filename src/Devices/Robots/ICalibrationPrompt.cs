namespace RobotActors.Devices.Robots;

/// <summary>The operator's side of calibration, so it can be interactive or scripted.</summary>
public interface ICalibrationPrompt
{
    /// <summary>A calibration file exists: write it to the motors (true) or calibrate afresh (false)?</summary>
    bool UseExistingCalibration(string path);

    /// <summary>Blocks until the arm is held in the middle of its range of motion.</summary>
    void WaitForMiddlePosition(string armDescription);

    /// <summary>Called about every 20 ms while ranges are recorded; return true to stop recording.</summary>
    bool RangeRecordingDone(IReadOnlyDictionary<string, double> rawPositions);
}

/// <summary>No questions asked: use an existing file if told to; record ranges for a fixed time.</summary>
public sealed class ScriptedCalibrationPrompt(bool useExisting = true, TimeSpan? recordFor = null, Action<string>? log = null) : ICalibrationPrompt
{
    private DateTime? _recordUntil;

    public bool UseExistingCalibration(string path)
    {
        log?.Invoke(useExisting ? $"Writing calibration from {path} to the motors." : $"Ignoring {path}; calibrating afresh.");
        return useExisting;
    }

    public void WaitForMiddlePosition(string armDescription) =>
        log?.Invoke($"Taking the present pose of {armDescription} as the middle of its range.");

    public bool RangeRecordingDone(IReadOnlyDictionary<string, double> rawPositions)
    {
        _recordUntil ??= DateTime.UtcNow + (recordFor ?? TimeSpan.FromSeconds(10));
        return DateTime.UtcNow >= _recordUntil;
    }
}

/// <summary>LeRobot's interactive prompts on the terminal.</summary>
public sealed class ConsoleCalibrationPrompt : ICalibrationPrompt
{
    private volatile bool _enterPressed;

    public bool UseExistingCalibration(string path)
    {
        Console.Write($"Press ENTER to use the calibration file '{path}', or type 'c' and ENTER to run calibration: ");
        return !string.Equals(Console.ReadLine()?.Trim(), "c", StringComparison.OrdinalIgnoreCase);
    }

    public void WaitForMiddlePosition(string armDescription)
    {
        Console.Write($"Move {armDescription} to the middle of its range of motion and press ENTER....");
        Console.ReadLine();
    }

    public bool RangeRecordingDone(IReadOnlyDictionary<string, double> rawPositions)
    {
        if (!_started)
        {
            _started = true;
            Console.WriteLine("Move all joints except wrist_roll sequentially through their entire ranges of motion.");
            Console.WriteLine("Recording positions. Press ENTER to stop...");
            new Thread(() => { Console.ReadLine(); _enterPressed = true; }) { IsBackground = true }.Start();
        }
        Console.Write("\r" + string.Join("  ", rawPositions.Select(kv => $"{kv.Key}={kv.Value,4}")));
        if (_enterPressed) Console.WriteLine();
        return _enterPressed;
    }

    private bool _started;
}
