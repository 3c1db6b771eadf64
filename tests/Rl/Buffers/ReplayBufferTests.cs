using RobotActors.Policies.Configs;
using RobotActors.Rl.Buffers;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Buffers;

public class ReplayBufferTests
{
    private static byte[] Chw(int id, int size = 12)
    {
        var frame = Transitions.Frame(id, size);
        var plane = size * size;
        var chw = new byte[plane * 3];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < 3; c++)
                chw[c * plane + p] = frame.Pixels[p * 3 + c];
        return chw;
    }

    private static byte[] Bytes(Tensor imageRow) => (imageRow * 255).round().to(uint8).contiguous().bytes.ToArray();

    [Fact]
    public void The_ring_keeps_the_newest_capacity_transitions_in_the_order_they_came()
    {
        var buffer = new ReplayBuffer(capacity: 5, useDrq: false);
        foreach (var t in Transitions.Episode(0, 12)) buffer.Add(t);
        Assert.Equal(5, buffer.Count);
        Assert.Equal(12, buffer.TotalAdded);
        Assert.Equal(new float[] { 7, 8, 9, 10, 11 }, buffer.Transitions().Select(t => t.Reward));
        Assert.True(buffer.Get(4).Done);
        Assert.Equal(Transitions.Frame(12).Pixels, buffer.Get(4).NextObservation.Images[Transitions.Camera].Pixels);
    }

    [Fact]
    public void A_truncated_step_and_the_newest_step_bootstrap_from_their_true_next_frames_not_the_next_slot()
    {
        var buffer = new ReplayBuffer(capacity: 4, seed: 1, useDrq: false);
        // 0→1, 1→2, 2→3 (cut by a time limit), then a new episode 10→11, 11→12, 12→13 (terminal); capacity 4 keeps the last four.
        foreach (var t in Transitions.Episode(0, 3, done: false).Concat(Transitions.Episode(10, 3, done: true))) buffer.Add(t);

        var kept = buffer.Transitions().ToList();
        Assert.Equal(new float[] { 2, 10, 11, 12 }, kept.Select(t => t.Reward));
        Assert.Equal(new[] { (false, true), (false, false), (false, false), (true, false) }, kept.Select(t => (t.Done, t.Truncated)));
        int[] expectedNext = [3, 11, 12, 13];
        for (var i = 0; i < kept.Count; i++)
            Assert.Equal(Transitions.Frame(expectedNext[i]).Pixels, kept[i].NextObservation.Images[Transitions.Camera].Pixels);
        // Frames are stored once: only the truncated step's next frame and the newest step's are kept apart.
        Assert.Equal(2, buffer.ExplicitNextFrames);

        var batch = buffer.Sample(200);
        for (var row = 0; row < 200; row++)
        {
            var id = (int)batch[PolicyKeys.ObservationState][row, 0].item<float>();
            var nextId = (int)batch[PolicyKeys.NextPrefix + PolicyKeys.ObservationState][row, 0].item<float>();
            Assert.Equal(Chw(id), Bytes(batch[Transitions.Camera][row]));
            Assert.Equal(Chw(nextId), Bytes(batch[PolicyKeys.NextPrefix + Transitions.Camera][row]));
            Assert.Equal(id == 12 ? 1f : 0f, batch[PolicyKeys.Done][row].item<float>());
            Assert.Equal(id == 2 ? 1f : 0f, batch[PolicyKeys.Truncated][row].item<float>());
        }
    }

    [Fact]
    public void Frames_are_stored_as_uint8_once_per_transition()
    {
        var buffer = new ReplayBuffer(capacity: 100, useDrq: false);
        foreach (var t in Transitions.Episode(0, 50).Select(t => t with { Observation = Transitions.Obs((int)t.Reward, size: 64), NextObservation = Transitions.Obs((int)t.Reward + 1, size: 64) }))
            buffer.Add(t);
        Assert.Equal(ScalarType.Byte, buffer.FrameDType);
        const int frameBytes = 64 * 64 * 3;
        // One uint8 frame per transition plus one explicit next frame for the episode: floats would be at least 4×.
        Assert.InRange(buffer.BytesPerTransition, frameBytes, frameBytes * 1.1);
    }

    [Fact]
    public void DrQ_moves_each_sampled_image_by_its_own_offset_of_up_to_four_pixels_with_replicated_borders()
    {
        var image = torch.arange(25).reshape(1, 1, 5, 5).to(uint8);
        var shifted = DrqShift.Shift(image, dy: [2], dx: [-1]).reshape(5, 5).data<byte>().ToArray();
        // out[y, x] = in[clamp(y - 2), clamp(x + 1)]
        var expected = new byte[25];
        for (var y = 0; y < 5; y++)
            for (var x = 0; x < 5; x++)
                expected[y * 5 + x] = (byte)(Math.Clamp(y - 2, 0, 4) * 5 + Math.Clamp(x + 1, 0, 4));
        Assert.Equal(expected, shifted);

        var buffer = new ReplayBuffer(capacity: 1, seed: 5);
        buffer.Add(Transitions.Step(1, 2));
        var batch = buffer.Sample(64);
        var original = torch.tensor(Chw(1), [1, 3, 12, 12]);
        var originalNext = torch.tensor(Chw(2), [1, 3, 12, 12]);
        (int, int) OffsetOf(Tensor row, Tensor source)
        {
            var bytes = Bytes(row);
            for (var dy = -4; dy <= 4; dy++)
                for (var dx = -4; dx <= 4; dx++)
                    if (DrqShift.Shift(source, [dy], [dx]).contiguous().bytes.ToArray().SequenceEqual(bytes)) return (dy, dx);
            throw new Xunit.Sdk.XunitException("a sampled image is not a shift of the stored frame by at most 4 pixels");
        }
        var offsets = Enumerable.Range(0, 64).Select(r => OffsetOf(batch[Transitions.Camera][r], original)).ToList();
        var nextOffsets = Enumerable.Range(0, 64).Select(r => OffsetOf(batch[PolicyKeys.NextPrefix + Transitions.Camera][r], originalNext)).ToList();
        Assert.Contains(offsets, o => o != (0, 0));
        Assert.True(offsets.Distinct().Count() > 10, "images of one batch should get independent offsets");
        Assert.True(offsets.Zip(nextOffsets).Count(p => p.First != p.Second) > 32, "observation and next observation should be shifted independently");

        var plain = new ReplayBuffer(capacity: 1, useDrq: false);
        plain.Add(Transitions.Step(1, 2));
        Assert.Equal(Chw(1), Bytes(plain.Sample(1)[Transitions.Camera][0]));
    }

    [Fact]
    public void Sampling_is_reproducible_from_the_seed_and_from_a_saved_sampler_state()
    {
        ReplayBuffer Filled(int seed)
        {
            var b = new ReplayBuffer(capacity: 50, seed: seed);
            foreach (var t in Transitions.Episode(0, 30).Concat(Transitions.Episode(100, 10))) b.Add(t);
            return b;
        }
        static Dictionary<string, byte[]> Bytes(Dictionary<string, Tensor> batch) => batch.ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().bytes.ToArray());
        var a = Filled(3);
        var b = Filled(3);
        var first = Bytes(a.Sample(16));
        Assert.All(Bytes(b.Sample(16)), kv => Assert.Equal(first[kv.Key], kv.Value));
        Assert.NotEqual(first[PolicyKeys.Action], Bytes(Filled(4).Sample(16))[PolicyKeys.Action]);

        var saved = a.RandomState;
        var next = Bytes(a.Sample(16));
        a.RandomState = saved;
        Assert.All(Bytes(a.Sample(16)), kv => Assert.Equal(next[kv.Key], kv.Value));
    }

    [Fact]
    public void A_transition_with_a_NaN_or_another_shape_is_refused_by_name_and_nothing_is_stored()
    {
        var buffer = new ReplayBuffer(capacity: 10);
        buffer.Add(Transitions.Step(1, 2));
        var nan = Transitions.Step(2, 3) with { NextObservation = new Observation(new Dictionary<string, float[]> { [PolicyKeys.ObservationState] = [3, float.NaN] }, Transitions.Obs(3).Images) };
        var e = Assert.Throws<InvalidTransitionException>(() => buffer.Add(nan));
        Assert.Contains("NaN in next.observation.state[1]", e.Message);
        Assert.Contains("infinite value in next.reward", Assert.Throws<InvalidTransitionException>(() => buffer.Add(Transitions.Step(2, 3) with { Reward = float.PositiveInfinity })).Message);
        Assert.Contains("action has 2 values but the buffer holds 3", Assert.Throws<InvalidTransitionException>(() => buffer.Add(Transitions.Step(2, 3) with { Action = [0, 0] })).Message);
        Assert.Contains("camera 'observation.images.front' is 8×8×3 but the buffer holds 12×12×3",
            Assert.Throws<InvalidTransitionException>(() => buffer.Add(Transitions.Step(2, 3) with { Observation = Transitions.Obs(2, size: 8) })).Message);
        Assert.Equal(1, buffer.Count);
        buffer.Add(Transitions.Step(2, 3));
        Assert.Equal(Transitions.Frame(2).Pixels, buffer.Get(0).NextObservation.Images[Transitions.Camera].Pixels);
    }

    [Fact]
    public void Complementary_info_travels_with_each_transition()
    {
        var buffer = new ReplayBuffer(capacity: 4, useDrq: false);
        buffer.Add(Transitions.Step(1, 2, intervention: true, penalty: -0.02f));
        buffer.Add(Transitions.Step(2, 3));
        var batch = buffer.Sample(40);
        for (var row = 0; row < 40; row++)
        {
            var first = batch[PolicyKeys.ObservationState][row, 0].item<float>() == 1;
            Assert.Equal(first ? -0.02f : 0f, batch[Transition.DiscretePenaltyKey][row].item<float>());
            Assert.Equal(first ? 1f : 0f, batch[Transition.IsInterventionKey][row].item<float>());
        }
    }
}
