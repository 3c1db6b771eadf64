using RobotActors.Datasets.Images;
using RobotActors.Policies.Inference;
using RobotActors.Rl.Env;
using RobotActors.Rl.Rollout;

namespace RobotActors.Rl.Tests.Rollout;

/// <summary>The async-inference client logic without a network: when it asks, what it executes, and that it holds when nothing is left.</summary>
public sealed class RemoteChunkPolicyTests
{
    private sealed class Requests : IChunkRequester
    {
        public List<long> Timesteps { get; } = [];
        public List<float[]> Windows { get; } = [];
        public void Request(long timestep, IReadOnlyList<EnvObservation> window)
        {
            Timesteps.Add(timestep);
            Windows.Add(window.Select(o => o.State[0]).ToArray());
        }
    }

    private static readonly EnvObservation Observation = new()
    {
        State = [0f], Images = new Dictionary<string, ImageFrame>(), Joints = new Dictionary<string, double>(),
    };

    /// <summary>A policy "server" whose action at tick t is [t] whatever it saw, so an executed action names the tick it was meant for.</summary>
    private static TimedChunk Answer(long timestep, int length = 10) =>
        new(timestep, Enumerable.Range(0, length).Select(i => new[] { (float)(timestep + i) }).ToList());

    private static EnvObservation At(long tick) => new()
    {
        State = [tick], Images = new Dictionary<string, ImageFrame>(), Joints = new Dictionary<string, double>(),
    };

    [Fact]
    public void Each_request_carries_the_last_n_obs_steps_observations_oldest_first_and_an_episode_starts_on_copies_of_its_first()
    {
        var requests = new Requests();
        var policy = new RemoteChunkPolicy(requests, "remote", chunkSizeThreshold: 0.5, observationSteps: 3);
        policy.Next(100, At(100));                                  // the first tick asks: its history is itself, three times
        policy.Deliver(Answer(100, length: 4));
        for (long t = 101; t <= 103; t++) policy.Next(t, At(t));    // asks again at 102 (2 of 4 left), with 100..102
        Assert.Equal([100L, 102L], requests.Timesteps);
        Assert.Equal([100f, 100f, 100f], requests.Windows[0]);
        Assert.Equal([100f, 101f, 102f], requests.Windows[1]);

        policy.Reset();                                             // a new episode forgets the last one's observations
        policy.Next(200, At(200));
        Assert.Equal([200f, 200f, 200f], requests.Windows[^1]);
    }

    [Fact]
    public void It_asks_when_the_queue_falls_to_the_threshold_and_never_idles_while_answers_come_within_the_margin()
    {
        var requests = new Requests();
        var policy = new RemoteChunkPolicy(requests, "remote", chunkSizeThreshold: 0.5);
        Assert.Null(policy.Next(0, Observation));                   // nothing yet: the first tick holds and asks
        Assert.Equal([0L], requests.Timesteps);
        var executed = new List<float>();
        const int latency = 2;                                      // each answer comes two ticks after its request
        for (long t = 1; t < 60; t++)
        {
            foreach (var asked in requests.Timesteps.Where(r => r + latency == t)) policy.Deliver(Answer(asked));
            var action = policy.Next(t, Observation);
            if (t >= latency) Assert.NotNull(action);
            if (action is not null) executed.Add(action[0]);
        }
        Assert.Equal(Enumerable.Range(2, 58).Select(i => (float)i), executed); // every tick's own action, in order, none missed
        var f = policy.Figures;
        Assert.Equal(2, f.Holds);                                   // ticks 0 and 1, before the first chunk
        // after the first chunk a request goes out whenever 5 or fewer of 10 are left: about every 5 ticks, never two in flight
        Assert.InRange(requests.Timesteps.Count, 11, 14);
        Assert.All(requests.Timesteps.Zip(requests.Timesteps.Skip(1)), p => Assert.True(p.Second - p.First >= latency));
        Assert.True(f.BlendedActions > 0 && f.LateActions > 0);
    }

    [Fact]
    public void When_the_answers_stop_it_executes_what_is_queued_then_holds_from_the_tick_the_queue_is_empty()
    {
        var requests = new Requests();
        var policy = new RemoteChunkPolicy(requests, "remote", chunkSizeThreshold: 0.5, requestTimeoutTicks: 4);
        policy.Next(0, Observation);
        policy.Deliver(Answer(0));                                  // ticks 0..9; tick 0 is already past
        var held = new List<long>();
        for (long t = 1; t < 20; t++)                               // the policy node is gone: no more answers
            if (policy.Next(t, Observation) is null) held.Add(t);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i), held); // 1..9 from the queue, then hold every tick
        // it keeps asking (a node that comes back is used again) at most once per timeout
        Assert.All(requests.Timesteps.Zip(requests.Timesteps.Skip(1)), p => Assert.True(p.Second - p.First >= 4));

        policy.Deliver(Answer(3));                                  // a late answer to an old request: all its ticks are past
        Assert.Null(policy.Next(20, Observation));
        Assert.Equal(1, policy.Figures.StaleChunks);
    }

    [Fact]
    public void A_chunk_from_an_observation_older_than_the_limit_is_not_executed()
    {
        var requests = new Requests();
        var policy = new RemoteChunkPolicy(requests, "remote", maxObservationAgeTicks: 3);
        policy.Next(0, Observation);
        for (long t = 1; t < 5; t++) policy.Next(t, Observation);
        policy.Deliver(Answer(0, length: 50));                      // arrives at tick 5: five ticks old
        Assert.Null(policy.Next(5, Observation));
        Assert.Equal(1, policy.Figures.StaleChunks);
    }

    [Fact]
    public void A_threshold_outside_0_to_1_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RemoteChunkPolicy(new Requests(), "remote", chunkSizeThreshold: 1.5));
        Assert.Contains("chunk_size_threshold", e.Message);
    }
}
