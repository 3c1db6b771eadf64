namespace RobotActors.Devices.Emulator;

/// <summary>
/// Faults the emulator can play on demand, parsed from the CLI's --faults text:
/// "corrupt=0.05" (probability a reply is corrupted), "slow=20ms" (extra reply delay),
/// "mute=3" (servo id 3 stops answering), "unplug-after=10s" (close the port after a while), "replug-after=15s" (open it again),
/// "error=3:overload" (status error bits from one servo). Separate several with commas.
/// </summary>
public sealed record EmulatorFaults
{
    public double CorruptProbability { get; init; }
    public TimeSpan SlowReply { get; init; }
    public IReadOnlySet<int> MutedIds { get; init; } = new HashSet<int>();
    public TimeSpan? UnplugAfter { get; init; }
    /// <summary>With unplug-after: plug the port back in after this time from the start.</summary>
    public TimeSpan? ReplugAfter { get; init; }
    public IReadOnlyDictionary<int, Feetech.FeetechError> Errors { get; init; } = new Dictionary<int, Feetech.FeetechError>();

    public static EmulatorFaults Parse(string? text)
    {
        var faults = new EmulatorFaults();
        if (string.IsNullOrWhiteSpace(text)) return faults;
        var muted = new HashSet<int>();
        var errors = new Dictionary<int, Feetech.FeetechError>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
                throw new FormatException($"Fault '{item}' is not key=value. Example: --faults corrupt=0.05,slow=20ms,mute=3,unplug-after=10s,error=3:overload");
            var (key, value) = (parts[0].ToLowerInvariant(), parts[1]);
            switch (key)
            {
                case "corrupt":
                    if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var p) || p is < 0 or > 1)
                        throw new FormatException($"corrupt={value}: give a probability between 0 and 1, e.g. corrupt=0.05.");
                    faults = faults with { CorruptProbability = p };
                    break;
                case "slow":
                    faults = faults with { SlowReply = ParseDuration(value, key) };
                    break;
                case "mute":
                    muted.Add(ParseId(value, key));
                    break;
                case "unplug-after":
                    faults = faults with { UnplugAfter = ParseDuration(value, key) };
                    break;
                case "replug-after":
                    faults = faults with { ReplugAfter = ParseDuration(value, key) };
                    break;
                case "error":
                    var idAndKind = value.Split(':', 2);
                    if (idAndKind.Length != 2 || !Enum.TryParse<Feetech.FeetechError>(idAndKind[1], true, out var kind))
                        throw new FormatException($"error={value}: use error=<id>:<voltage|angle|overheat|overcurrent|overload>.");
                    errors[ParseId(idAndKind[0], key)] = kind;
                    break;
                default:
                    throw new FormatException($"Unknown fault '{key}'. Known: corrupt, slow, mute, unplug-after, replug-after, error.");
            }
        }
        if (faults.ReplugAfter is { } replug && (faults.UnplugAfter is not { } unplug || replug <= unplug))
            throw new FormatException("replug-after needs an earlier unplug-after, e.g. unplug-after=5s,replug-after=8s.");
        return faults with { MutedIds = muted, Errors = errors };
    }

    private static int ParseId(string value, string key) =>
        int.TryParse(value, out var id) && id is >= 0 and <= 252 ? id : throw new FormatException($"{key}={value}: give a servo id 0..252.");

    private static TimeSpan ParseDuration(string value, string key)
    {
        var v = value.Trim().ToLowerInvariant();
        double factor = 1;
        if (v.EndsWith("ms")) { v = v[..^2]; factor = 0.001; }
        else if (v.EndsWith('s')) { v = v[..^1]; }
        return double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0
            ? TimeSpan.FromSeconds(n * factor)
            : throw new FormatException($"{key}={value}: give a duration such as 20ms or 10s.");
    }
}
