using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>Moves every tensor to a device and optionally casts floating tensors (integers are never cast).</summary>
[ProcessorStepName("device_processor")]
public sealed class DeviceProcessorStep : IProcessorStep
{
    private static readonly Dictionary<string, ScalarType> FloatTypes = new()
    {
        ["float16"] = ScalarType.Float16, ["half"] = ScalarType.Float16, ["bfloat16"] = ScalarType.BFloat16,
        ["float32"] = ScalarType.Float32, ["float"] = ScalarType.Float32,
        ["float64"] = ScalarType.Float64, ["double"] = ScalarType.Float64,
    };

    public DeviceProcessorStep(string device = "cpu", string? floatDtype = null)
    {
        if (floatDtype is not null && !FloatTypes.ContainsKey(floatDtype))
            throw new ArgumentException($"float_dtype '{floatDtype}' is not one of {string.Join(", ", FloatTypes.Keys)}");
        // A pipeline saved elsewhere may name a device this build lacks; say so now rather than deep in libtorch at the first batch.
        RobotActors.Policies.Torch.TorchDevices.Require(device, "device_processor");
        DeviceName = device;
        FloatDtype = floatDtype;
    }

    public string DeviceName { get; }
    public string? FloatDtype { get; }

    public static DeviceProcessorStep FromConfig(JsonObject config) =>
        new(config["device"]?.GetValue<string>() ?? "cpu", config["float_dtype"]?.GetValue<string>());

    public JsonObject GetConfig() => new() { ["device"] = DeviceName, ["float_dtype"] = FloatDtype };

    private Tensor Move(Tensor t)
    {
        var moved = t.to(torch.device(DeviceName));
        return FloatDtype is not null && moved.is_floating_point() ? moved.to(FloatTypes[FloatDtype]) : moved;
    }

    public EnvTransition Process(EnvTransition transition)
    {
        var t = transition.ShallowCopy();
        foreach (var key in t.Observation.Keys.ToList()) t.Observation[key] = Move(t.Observation[key]);
        if (t.Action is not null) t.Action = Move(t.Action);
        if (t.Reward is not null) t.Reward = Move(t.Reward);
        if (t.Done is not null) t.Done = Move(t.Done);
        if (t.Truncated is not null) t.Truncated = Move(t.Truncated);
        foreach (var key in t.ComplementaryData.Keys.ToList())
            if (t.ComplementaryData[key] is Tensor tensor) t.ComplementaryData[key] = Move(tensor);
        return t;
    }
}
