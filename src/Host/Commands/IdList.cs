using System.CommandLine.Parsing;
using System.Globalization;

namespace RobotActors.Host.Commands;

/// <summary>Servo ids as LeRobot users type them: "--id 1 2 3", "--id 1,2,3" or a repeated "--id 1 --id 2".</summary>
public static class IdList
{
    public static int[] Parse(ArgumentResult result)
    {
        var ids = new List<int>();
        foreach (var token in result.Tokens)
            foreach (var part in token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id is >= 0 and <= 253)
                    ids.Add(id);
                else
                    result.AddError($"--id: '{part}' is not a servo id (0..253); write --id 1,2,3 or --id 1 2 3");
            }
        return ids.ToArray();
    }
}
