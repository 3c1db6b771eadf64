using RobotActors.Policies.Configs;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using RobotActors.Rl.Tests.Buffers;

namespace RobotActors.Rl.Tests.Data;

public class OnlineOfflineMixerTests
{
    private static ReplayBuffer Buffer(int firstId, int seed)
    {
        var buffer = new ReplayBuffer(capacity: 20, seed: seed, useDrq: false);
        foreach (var t in Transitions.Episode(firstId, 10, camera: false)) buffer.Add(t);
        return buffer;
    }

    // Rewards are the observation ids: online ones are 1000 and up, offline ones below 100.
    private static float[] Rewards(OnlineOfflineMixer mixer, int batch) => mixer.Sample(batch)[PolicyKeys.Reward].data<float>().ToArray();

    [Theory]
    [InlineData(0.5, 10, 5)]
    [InlineData(0.25, 10, 2)]
    [InlineData(0.0, 10, 1)]
    [InlineData(1.0, 10, 10)]
    [InlineData(0.5, 7, 3)]
    public void Each_batch_takes_max_1_int_B_ratio_online_transitions_first_and_the_rest_offline(double ratio, int batch, int online)
    {
        var mixer = new OnlineOfflineMixer(Buffer(1000, 1), Buffer(0, 2), ratio);
        Assert.Equal((online, batch - online), mixer.Split(batch));
        var rewards = Rewards(mixer, batch);
        Assert.Equal(batch, rewards.Length);
        Assert.All(rewards[..online], r => Assert.True(r >= 1000));
        Assert.All(rewards[online..], r => Assert.True(r < 100));
    }

    [Fact]
    public void Without_an_offline_buffer_every_transition_is_online_and_a_ratio_outside_0_1_is_refused()
    {
        var mixer = new OnlineOfflineMixer(Buffer(1000, 1), offline: null, onlineRatio: 0.5);
        Assert.All(Rewards(mixer, 8), r => Assert.True(r >= 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineOfflineMixer(Buffer(0, 1), null, 1.5));
    }

    [Fact]
    public void An_offline_buffer_still_empty_leaves_the_batch_to_the_online_one_until_an_intervention_is_in()
    {
        var offline = new ReplayBuffer(capacity: 20, seed: 2, useDrq: false);
        var mixer = new OnlineOfflineMixer(Buffer(1000, 1), offline, 0.5);
        Assert.Equal((8, 0), mixer.Split(8));
        Assert.All(Rewards(mixer, 8), r => Assert.True(r >= 1000));
        offline.Add(Transitions.Step(5, 6, camera: false, intervention: true));
        Assert.Equal((4, 4), mixer.Split(8));
        Assert.Equal(4, Rewards(mixer, 8).Count(r => r < 100));
    }
}
