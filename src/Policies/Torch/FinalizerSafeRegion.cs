using System.Runtime;

namespace RobotActors.Policies.Torch;

/// <summary>
/// Works around a TorchSharp 0.107 race: many tensor operations pass a temporary Scalar (the implicit alpha of
/// add/sub, `tensor + 1e-5`) to libtorch by its raw handle, so the garbage collector may finalize that Scalar,
/// freeing it, while libtorch still reads it. The result is a libtorch error from deep inside an operation
/// ("Exception raised from toFloat at c10/core/Scalar.h") or a corrupt value, at a random step of a long run.
/// Inside a region no collection runs: pending finalizers are drained first and no GC is allowed until the
/// region ends (within a generous allocation budget). Use it around whole training steps, not tiny calls:
/// entering costs a collection.
/// </summary>
public sealed class FinalizerSafeRegion : IDisposable
{
    /// <summary>Managed allocations a region may make before the runtime must collect anyway (ending the protection).</summary>
    public const long Budget = 64L << 20;

    private readonly bool _active;

    private FinalizerSafeRegion()
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        try
        {
            _active = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            _active = false;
        }
        // Starting the region may itself have collected: let those finalizers finish before any tensor work.
        GC.WaitForPendingFinalizers();
    }

    public static FinalizerSafeRegion Enter() => new();

    public void Dispose()
    {
        if (!_active) return;
        try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { }
    }
}
