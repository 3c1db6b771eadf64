using System.Runtime.InteropServices;
using TorchSharp;

namespace RobotActors.Policies.Torch;

/// <summary>What the TorchSharp native probe found.</summary>
public sealed record TorchInfo(string LibTorchVersion, int Threads, int InteropThreads);

/// <summary>
/// Loads TorchSharp's native libraries once, and turns a failure into one message that says what is
/// wrong and what to do, instead of TorchSharp's misleading "missing package" text.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<TorchInfo> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch if not yet loaded; throws <see cref="TorchNativeLoadException"/> when it cannot.</summary>
    public static TorchInfo EnsureLoaded() => Loaded.Value;

    private static TorchInfo Load()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return new TorchInfo(torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads());
        }
        catch (Exception ex) when (ex is NotSupportedException or TypeInitializationException or DllNotFoundException)
        {
            throw new TorchNativeLoadException(Diagnose(), ex);
        }
    }

    /// <summary>Loads the wrapper library directly to get the dynamic loader's own reason for refusing it.</summary>
    private static string Diagnose()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux())
            return "TorchSharp's native libraries did not load. This build ships libtorch for Linux x64 only.";
        if (!File.Exists(native))
            return $"TorchSharp's native library is missing ({native}). Rebuild with `dotnet build` so the libtorch-cpu-linux-x64 package is copied to the output.";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(native));
            return "libLibTorchSharp.so loads on its own but TorchSharp still failed to initialise; check that libtorch_cpu.so sits beside it and run `robotactors doctor`.";
        }
        catch (DllNotFoundException dl)
        {
            var reason = dl.Message;
            var fix = reason.Contains("GLIBCXX", StringComparison.Ordinal)
                ? "This host's libstdc++ is older than the one TorchSharp was built against; the build normally patches the copy in the output folder (build/PatchTorchSharpNative.cs). Rebuild with `dotnet build` and make sure Directory.Build.targets is in effect."
                : "Install the missing system library named above, or rebuild with `dotnet build`.";
            return $"TorchSharp's native library cannot be loaded: {reason} {fix}";
        }
    }
}

public sealed class TorchNativeLoadException(string message, Exception inner) : Exception(message, inner);
