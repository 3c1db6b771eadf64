using RobotActors.Policies.Configs;
using RobotActors.Rl.Buffers;

namespace RobotActors.Rl.Tests.Buffers;

public class EpisodeSequenceBufferTests
{
    private static Dictionary<string, float[]> Obs(float v) => new() { [PolicyKeys.ObservationState] = [v, -v] };

    /// <summary>Episode e's step t: observation 10e + t, action 10e + t + 0.5, reward 100e + t.</summary>
    private static EpisodeSequenceBuffer Filled(int capacity, params int[] lengths)
    {
        var buffer = new EpisodeSequenceBuffer([PolicyKeys.ObservationState], capacity, seed: 3);
        for (var e = 0; e < lengths.Length; e++)
        {
            buffer.Begin(Obs(10 * e));
            for (var t = 0; t < lengths[e]; t++) buffer.Add([10 * e + t + 0.5f], 100 * e + t, Obs(10 * e + t + 1));
        }
        return buffer;
    }

    [Fact]
    public void Windows_hold_consecutive_steps_of_one_episode_and_mark_the_steps_past_its_end()
    {
        var buffer = Filled(1000, 3, 2);
        var batch = buffer.SampleWindows(64, horizon: 3);
        Assert.Equal(new long[] { 64, 4, 2 }, batch[PolicyKeys.ObservationState].shape);
        Assert.Equal(new long[] { 64, 3, 1 }, batch[PolicyKeys.Action].shape);
        Assert.Equal(new long[] { 64, 3 }, batch[PolicyKeys.Reward].shape);
        var starts = new HashSet<float>();
        for (var i = 0; i < 64; i++)
        {
            var obs = batch[PolicyKeys.ObservationState][i, .., 0].data<float>().ToArray();
            var obsPad = batch[PolicyKeys.ObservationState + PolicyKeys.PadSuffix][i].data<bool>().ToArray();
            var actions = batch[PolicyKeys.Action][i, .., 0].data<float>().ToArray();
            var rewards = batch[PolicyKeys.Reward][i].data<float>().ToArray();
            var actionPad = batch[PolicyKeys.Action + PolicyKeys.PadSuffix][i].data<bool>().ToArray();
            var episode = (int)(obs[0] / 10);
            var length = episode == 0 ? 3 : 2;
            var start = (int)obs[0] - 10 * episode;
            starts.Add(obs[0]);
            Assert.InRange(start, 0, length - 1);
            for (var t = 0; t <= 3; t++)
            {
                Assert.Equal(start + t > length, obsPad[t]);                          // L + 1 observations per episode
                Assert.Equal(10 * episode + Math.Min(start + t, length), obs[t]);      // past the end: the last frame again
            }
            for (var t = 0; t < 3; t++)
            {
                Assert.Equal(start + t >= length, actionPad[t]);
                Assert.Equal(10 * episode + Math.Min(start + t, length - 1) + 0.5f, actions[t]);
                Assert.Equal(100 * episode + Math.Min(start + t, length - 1), rewards[t]);
            }
        }
        Assert.Equal(5, starts.Count); // every stored step is a possible start
    }

    [Fact]
    public void Episodes_beyond_the_capacity_drop_out_oldest_first_and_statistics_cover_what_is_kept()
    {
        var buffer = Filled(4, 3, 2, 2);
        Assert.Equal(2, buffer.EpisodeCount);
        Assert.Equal(4, buffer.Steps);
        var (min, max, mean, _) = buffer.Statistics()[PolicyKeys.ObservationState];
        Assert.Equal(10f, min[0]);
        Assert.Equal(22f, max[0]);
        Assert.Equal(-22f, min[1]);
        Assert.Equal((10 + 11 + 12 + 20 + 21 + 22) / 6f, mean[0], 4);
        var batch = buffer.SampleWindows(32, 2);
        Assert.True(batch[PolicyKeys.ObservationState][.., 0, 0].min().item<float>() >= 10f);
    }
}
