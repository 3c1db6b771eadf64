using TorchSharp;

namespace RobotActors.Policies.Torch;

/// <summary>
/// The device a saved policy asks for, or the CPU when this build cannot give it (LeRobot's
/// auto_select_torch_device also falls back with a warning): checkpoints trained on CUDA or MPS run here.
/// </summary>
public static class TorchDevices
{
    public static string Usable(string? requested, out string? warning)
    {
        warning = null;
        var name = string.IsNullOrWhiteSpace(requested) ? "cpu" : requested;
        if (name == "cpu") return name;
        if (name.StartsWith("cuda", StringComparison.Ordinal) && torch.cuda.is_available()) return name;
        warning = $"device '{name}' is not available in this build (libtorch for CPU), so the policy runs on the CPU";
        return "cpu";
    }
}
