using System.Text.Json.Nodes;

namespace RobotActors.Datasets.Tests;

/// <summary>Edits a dataset's JSON metadata in place, as a user (or a broken tool) would.</summary>
public static class JsonFile
{
    public static void Edit(string path, Action<JsonObject> edit)
    {
        var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(o);
        File.WriteAllText(path, o.ToJsonString());
    }
}
