// Torch's random generator and thread count are process-wide: tests that seed them or train must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
