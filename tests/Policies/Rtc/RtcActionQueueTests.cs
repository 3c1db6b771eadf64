using RobotActors.Policies.Rtc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Rtc;

public class RtcActionQueueTests
{
    // (1, n, 1) chunk start, start + 1, ...
    private static Tensor Chunk(float start, int n) => (torch.arange(n, dtype: float32) + start).reshape(1, n, 1);

    private static float[] Values(Tensor? t) => t is null ? [] : t.flatten().data<float>().ToArray();

    [Fact]
    public void With_rtc_a_new_chunk_replaces_the_leftover_minus_the_steps_executed_while_it_was_computed()
    {
        using var queue = new RtcActionQueue(rtcEnabled: true);
        queue.Merge(Chunk(0, 6), null, delay: 0);
        Assert.Equal(0f, queue.Pop()!.item<float>());
        Assert.Equal(0f + 1, queue.Pop()!.item<float>());
        var before = queue.ActionIndex;
        Assert.Equal(new[] { 2f, 3, 4, 5 }, Values(queue.LeftOver()));
        // Inference takes two control steps: the robot goes on with the old chunk meanwhile.
        Assert.Equal(2f, queue.Pop()!.item<float>());
        Assert.Equal(3f, queue.Pop()!.item<float>());
        Assert.Equal(2, queue.Merge(Chunk(10, 6), Chunk(100, 6), delay: 2, actionIndexBeforeInference: before));
        Assert.Equal(4, queue.Count);
        Assert.Equal(0, queue.ActionIndex);
        Assert.Equal(102f, queue.Pop()!.item<float>()); // the processed chunk is what executes
        Assert.Equal(new[] { 13f, 14, 15 }, Values(queue.LeftOver())); // the policy's own values are what guides the next chunk
        Assert.Equal(new[] { 103f, 104, 105 }, Values(queue.ProcessedLeftOver()));
    }

    [Fact]
    public void The_delay_never_skips_more_than_was_executed()
    {
        using var queue = new RtcActionQueue(rtcEnabled: true);
        queue.Merge(Chunk(0, 6), null, delay: 0);
        var before = queue.ActionIndex;
        queue.Pop();
        Assert.Equal(1, queue.Merge(Chunk(10, 6), null, delay: 3, actionIndexBeforeInference: before));
        Assert.Equal(11f, queue.Pop()!.item<float>());
        Assert.Equal(6, queue.Merge(Chunk(20, 6), null, delay: 9)); // no index given: the delay as told, capped at the chunk
        Assert.True(queue.IsEmpty);
        Assert.Null(queue.Pop());
        Assert.Null(queue.LeftOver());
    }

    [Fact]
    public void Without_rtc_chunks_are_appended_after_what_is_left()
    {
        using var queue = new RtcActionQueue(rtcEnabled: false);
        queue.Merge(Chunk(0, 3), null, delay: 0);
        queue.Pop();
        Assert.Equal(0, queue.Merge(Chunk(10, 2), null, delay: 5));
        Assert.Equal(new[] { 1f, 2, 10, 11 }, Values(queue.LeftOver()));
        Assert.Throws<ArgumentException>(() => queue.Merge(torch.zeros(3, 1), null, 0));
    }
}
