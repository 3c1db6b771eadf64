using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotActors.Actors.Gateway;

/// <summary>JSON as the console prints it with --json: snake_case keys, like LeRobot's JSON files.</summary>
public static class GatewayJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
