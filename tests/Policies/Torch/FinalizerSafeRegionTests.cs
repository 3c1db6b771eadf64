using System.Runtime;
using RobotActors.Policies.Torch;

namespace RobotActors.Policies.Tests.Torch;

/// <summary>
/// The region exists because TorchSharp 0.107 hands temporary Scalars to libtorch by raw handle and a collection
/// can finalize them mid-call (seen as "Exception raised from toFloat" or a wrong value in about 1 of 100 000 adds
/// under allocation pressure). What can be checked deterministically is that no collection runs inside it.
/// </summary>
public class FinalizerSafeRegionTests
{
    private static object[] AllocateMegabytes(int megabytes) =>
        Enumerable.Range(0, megabytes * 1024).Select(_ => (object)new byte[1000]).ToArray();

    [Fact]
    public void No_garbage_collection_runs_inside_a_region_and_the_runtime_is_back_to_normal_after_it()
    {
        int collections;
        using (FinalizerSafeRegion.Enter())
        {
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            collections = GC.CollectionCount(0);
            GC.KeepAlive(AllocateMegabytes(16));
            Assert.Equal(collections, GC.CollectionCount(0));
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_region_whose_budget_runs_out_or_that_is_nested_ends_without_an_error()
    {
        using (FinalizerSafeRegion.Enter())
        {
            using (FinalizerSafeRegion.Enter()) { }
            GC.KeepAlive(AllocateMegabytes((int)(FinalizerSafeRegion.Budget >> 20) * 2));
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
