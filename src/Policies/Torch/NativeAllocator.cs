using System.Runtime.InteropServices;

namespace RobotActors.Policies.Torch;

/// <summary>
/// Keeps glibc from handing freed tensor memory back to the kernel. libtorch on the CPU frees and
/// re-allocates its large activation and gradient buffers at every training step; with glibc's defaults
/// each of those is a fresh mmap (or a heap trim) and the next step page-faults the memory in again. On
/// this project's 2-core machine that kernel time was larger than the math: `bench sac` (b) went from 0.05
/// to 0.49 updates/s and (c) from 0.08 to 1.33, and the 64×64 image SAC test from 170 s to under 60 s,
/// bit-for-bit the same result. The price is that the process keeps its peak heap instead of shrinking.
/// </summary>
public static class NativeAllocator
{
    // mallopt parameter numbers from glibc's malloc.h.
    private const int MTrimThreshold = -1, MTopPad = -2, MMmapThreshold = -3, MMmapMax = -4;

    private static readonly Lazy<bool> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Applies the settings once per process; false where they do not apply (not glibc).</summary>
    public static bool KeepFreedMemory() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // No block is mmapped — at batch 256 with 128×128 cameras single activations are hundreds of
            // MiB, above the largest mmap threshold glibc accepts (32 MiB) — and trimming waits until 2 GiB
            // sit free at the top of the heap.
            var ok = mallopt(MMmapMax, 0) == 1;
            ok &= mallopt(MMmapThreshold, 32 << 20) == 1;
            ok &= mallopt(MTrimThreshold, int.MaxValue) == 1;
            ok &= mallopt(MTopPad, 256 << 20) == 1;
            return ok;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // musl or another C library: keep its behaviour
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
