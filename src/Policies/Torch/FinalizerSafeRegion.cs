using System.Runtime;

namespace RobotActors.Policies.Torch;

/// <summary>
/// Works around a TorchSharp 0.107 race: many tensor operations pass a temporary Scalar (the implicit alpha of
/// add/sub, `tensor + 1e-5`, `pow(2)`) to libtorch by its raw handle, so a garbage collection during the call may
/// finalize that Scalar, freeing it, while libtorch still reads it. The result is a libtorch error from deep inside an
/// operation ("Exception raised from toFloat at c10/core/Scalar.h", "Unknown scalar type") or a corrupt value, at a
/// random step of a long run — a node's learner and its control loop each died of it after tens of thousands of calls.
/// Inside a region no collection runs, so nothing created inside it is finalized before it ends (finalizers of objects
/// that died earlier may still run: they free handles no call is using).
/// </summary>
/// <remarks>
/// A no-GC region is process-wide, and a node runs torch on several threads at once (the learner, each control loop):
/// regions are counted, the first to enter starts the runtime's region and the last to leave ends it. A region whose
/// allocation budget runs out ends early (the runtime collects); the next Enter starts a new one. Entering costs about
/// 0.06 ms (p99 3 ms on a loaded 2-core machine), so the control loop's replica takes one per tick.
/// </remarks>
public sealed class FinalizerSafeRegion : IDisposable
{
    /// <summary>Managed allocations a region may make before the runtime must collect anyway (ending the protection).</summary>
    public const long Budget = 16L << 20;

    private static readonly object Gate = new();
    private static int _open;
    private bool _disposed;

    private FinalizerSafeRegion()
    {
        lock (Gate)
        {
            _open++;
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return;
            try
            {
                // Never a full blocking collection to make room: that pauses every thread of a node (a control loop's tick
                // included) for up to 100 ms on a 300 MB heap. Without room the call runs unprotected, as it would anyway.
                GC.TryStartNoGCRegion(Budget, disallowFullBlockingGC: true);
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
            {
                // not available here: the call runs unprotected, as it would without the region
            }
        }
    }

    public static FinalizerSafeRegion Enter() => new();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (Gate)
        {
            if (--_open > 0 || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
            try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { } // the budget ran out and the runtime collected
        }
    }
}
