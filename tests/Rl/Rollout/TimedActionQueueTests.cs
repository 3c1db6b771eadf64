using RobotActors.Policies.Inference;

namespace RobotActors.Rl.Tests.Rollout;

/// <summary>The robot side's chunk queue of async inference: merging by timestep, late and stale chunks, nothing when empty.</summary>
public sealed class TimedActionQueueTests
{
    private static TimedChunk Chunk(long timestep, int length, float value) =>
        new(timestep, Enumerable.Range(0, length).Select(i => new[] { value + i, -(value + i) }).ToList());

    [Fact]
    public void An_overlapping_chunk_is_averaged_on_the_shared_ticks_and_extends_the_queue_after_them()
    {
        var queue = new TimedActionQueue(oldWeight: 0.3);
        Assert.Equal(new ChunkMerge(4, 0, 0, false), queue.Merge(Chunk(0, 4, 0), now: 0));   // ticks 0..3: 0, 1, 2, 3
        Assert.True(queue.TryTake(0, out var a0));
        Assert.Equal(0f, a0[0]);
        // computed from tick 1's observation: ticks 1..4 with 10, 11, 12, 13; 1..3 overlap what is queued
        Assert.Equal(new ChunkMerge(1, 3, 0, false), queue.Merge(Chunk(1, 4, 10), now: 1));
        Assert.True(queue.TryTake(1, out var a1));
        Assert.Equal(0.3f * 1 + 0.7f * 10, a1[0], 4);
        Assert.Equal(-(0.3f * 1 + 0.7f * 10), a1[1], 4);
        Assert.True(queue.TryTake(2, out var a2));
        Assert.Equal(0.3f * 2 + 0.7f * 11, a2[0], 4);
        Assert.True(queue.TryTake(3, out _));
        Assert.True(queue.TryTake(4, out var a4));
        Assert.Equal(13f, a4[0]);                                   // only the new chunk had tick 4
        Assert.False(queue.TryTake(5, out _));
    }

    [Fact]
    public void Actions_for_ticks_already_executed_are_dropped_and_the_rest_is_kept()
    {
        var queue = new TimedActionQueue();
        // computed at tick 10, arriving at tick 13 (3 ticks of latency): 10..12 are late
        var merge = queue.Merge(Chunk(10, 6, 100), now: 13);
        Assert.Equal(new ChunkMerge(3, 0, 3, false), merge);
        Assert.False(queue.TryTake(12, out _));
        Assert.True(queue.TryTake(13, out var a));
        Assert.Equal(103f, a[0]);
    }

    [Fact]
    public void A_chunk_for_ticks_all_past_or_from_too_old_an_observation_is_dropped_whole()
    {
        var queue = new TimedActionQueue(maxObservationAgeTicks: 5);
        Assert.True(queue.Merge(Chunk(0, 4, 0), now: 20).Stale);    // its last tick is 3
        Assert.True(queue.Merge(Chunk(10, 20, 0), now: 16).Stale);  // still has future ticks, but seen 6 ticks ago
        Assert.Equal(0, queue.Count);
        Assert.False(queue.Merge(Chunk(11, 20, 0), now: 16).Stale); // 5 ticks old is allowed
        Assert.Equal(15, queue.CountFrom(16));
    }

    [Fact]
    public void An_empty_queue_gives_nothing_and_a_skipped_tick_is_never_executed_late()
    {
        var queue = new TimedActionQueue();
        Assert.False(queue.TryTake(0, out _));
        queue.Merge(Chunk(0, 5, 0), now: 0);
        Assert.True(queue.TryTake(0, out _));
        Assert.True(queue.TryTake(3, out var a3));                   // ticks 1 and 2 went by (a failed read): gone
        Assert.Equal(3f, a3[0]);
        Assert.Equal(1, queue.Count);
        Assert.True(queue.TryTake(4, out _));
        Assert.False(queue.TryTake(5, out _));
        Assert.False(queue.TryTake(5, out _));
    }
}
