using TorchSharp;

namespace RobotActors.Policies.Torch;

/// <summary>
/// Which torch devices this build can use. The build ships TorchSharp's CPU libtorch, so "cuda" fails
/// deep inside libtorch with a native trace; this says so up front, with what to install instead.
/// </summary>
public static class TorchDevices
{
    /// <summary>Null when <paramref name="device"/> can be used here, else why not and what to do.</summary>
    public static string? Unavailable(string? device)
    {
        var name = (device ?? "cpu").Trim().ToLowerInvariant();
        var kind = name.Split(':')[0];
        switch (kind)
        {
            case "cpu":
                return null;
            case "cuda":
                TorchRuntime.EnsureLoaded();
                if (torch.cuda.is_available()) return null;
                return $"device '{device}' is not available: this build's libtorch is CPU-only (the libtorch-cpu-linux-x64 package), or no NVIDIA " +
                       "GPU and driver are present. For CUDA, reference TorchSharp-cuda-linux (or libtorch-cuda-12.8-linux-x64) instead of " +
                       "libtorch-cpu-linux-x64 in src/Policies/RobotActors.Policies.csproj and Directory.Packages.props and rebuild, on a machine " +
                       "with an NVIDIA driver; or use --policy.device=cpu";
            case "mps" or "xpu":
                return $"device '{device}' is not available: this build's libtorch is CPU-only (Linux x64); use --policy.device=cpu";
            default:
                return $"device '{device}' is not a torch device; use cpu (or cuda with a CUDA build of TorchSharp)";
        }
    }

    /// <summary>Throws an ArgumentException with <see cref="Unavailable"/>'s reason.</summary>
    public static void Require(string? device, string field = "device")
    {
        if (Unavailable(device) is { } why) throw new ArgumentException($"{field}: {why}");
    }

    /// <summary>
    /// The device a saved policy asks for, or the CPU when this build cannot give it (LeRobot's
    /// auto_select_torch_device also falls back with a warning): checkpoints trained on CUDA or MPS run here.
    /// </summary>
    public static string Usable(string? requested, out string? warning)
    {
        warning = Unavailable(requested) is { } why ? $"{why}; the policy runs on the CPU" : null;
        return warning is null ? requested ?? "cpu" : "cpu";
    }
}
