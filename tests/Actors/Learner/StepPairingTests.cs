using RobotActors.Actors.Learner;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Tests.Session;

namespace RobotActors.Actors.Tests.Learner;

public class StepPairingTests
{
    private static readonly string[] Keys = ["observation.state", "observation.images.front"];

    private static StepRecord Step(int episode, int index, bool done = false, bool truncated = false, bool intervention = false) =>
        SessionSteps.Step(episode, index, intervention: intervention, reward: index, done: done, truncated: truncated, imageSize: 4, cameras: 1);

    [Fact]
    public void Consecutive_steps_become_transitions_whose_next_observation_is_the_following_step_or_the_explicit_one_at_the_end()
    {
        var pairing = new StepPairing(Keys);
        // One episode split over two batches: step 2 waits for step 3, which arrives in the second batch.
        var first = pairing.Add("session-a", [Step(1, 0), Step(1, 1, intervention: true), Step(1, 2)]);
        Assert.Equal(2, first.Count);
        Assert.Equal(1, pairing.Waiting);
        var second = pairing.Add("session-a", [Step(1, 3, truncated: true)]);
        var all = first.Concat(second).ToList();

        Assert.Equal(4, all.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Step(1, i).Observation.State["observation.state"], all[i].Observation.States["observation.state"]);
            Assert.Equal(Step(1, i + 1).Observation.State["observation.state"], all[i].NextObservation.States["observation.state"]);
            Assert.Equal(Step(1, i + 1).Observation.Images["observation.images.front"].Pixels, all[i].NextObservation.Images["observation.images.front"].Pixels);
            Assert.Equal(i, all[i].Reward);
            Assert.False(all[i].Done || all[i].Truncated);
        }
        Assert.True(all[1].IsIntervention);
        Assert.Equal(-0.02f, all[1].DiscretePenalty);
        var last = all[3];
        Assert.True(last.Truncated);
        Assert.False(last.Done);
        Assert.Equal(Step(1, 3, truncated: true).NextObservation!.State["observation.state"], last.NextObservation.States["observation.state"]);
        // Only the policy's inputs are kept (the environment state is not one of them here).
        Assert.Equal(["observation.state"], last.Observation.States.Keys);
        Assert.Equal(0, pairing.Waiting);
        Assert.Equal(0, pairing.UnpairedSteps);
    }

    [Fact]
    public void A_step_cut_off_by_a_crash_is_dropped_not_paired_with_the_next_episode_and_robots_never_mix()
    {
        var pairing = new StepPairing(Keys);
        var a = pairing.Add("session-a", [Step(1, 0), Step(1, 1)]); // the robot was killed after step 1
        var b = pairing.Add("session-b", [Step(7, 0), Step(7, 1)]);
        var again = pairing.Add("session-a", [Step(2, 0), Step(2, 1, done: true)]);
        var b2 = pairing.Add("session-b", [Step(7, 2, done: true)]);

        Assert.Single(a);
        Assert.Single(b);
        Assert.Equal(2, again.Count); // episode 2's two steps; episode 1's step 1 had no next observation
        Assert.Equal(Step(2, 0).Observation.State["observation.state"], again[0].Observation.States["observation.state"]);
        Assert.Equal(2, b2.Count);
        Assert.Equal(Step(7, 2).Observation.State["observation.state"], b2[0].NextObservation.States["observation.state"]);
        Assert.Equal(1, pairing.UnpairedSteps);
    }

    [Fact]
    public void A_step_without_a_policy_input_is_refused_with_the_missing_key_named()
    {
        var pairing = new StepPairing(["observation.state", "observation.images.wrist"]);
        var refusals = new List<string>();
        var transitions = pairing.Add("session-a", [Step(1, 0), Step(1, 1, done: true)], refusals.Add);
        Assert.Empty(transitions);
        Assert.Equal(2, pairing.UnpairedSteps);
        Assert.Contains("observation.images.wrist", refusals[0]);
        Assert.Contains("session-a", refusals[0]);
    }
}
