using System.Diagnostics;
using RobotActors.Devices;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Rl.Actor;

/// <summary>How an episode of the actor loop ended.</summary>
public enum EpisodeEnd { Success, Failure, TimeLimit, Rerecord, Interrupted }

/// <summary>Where the actor loop's steps and episodes go (a session journal, a learner). Called on the control thread.</summary>
public interface IActorLoopSink
{
    /// <summary>Opens the next episode and returns its number; the only call that may wait (between episodes, never inside a tick).</summary>
    int OpenEpisode();

    /// <summary>One step, as it happens; must return at once (hand it on, do not wait for it to be stored).</summary>
    void Step(int episode, int index, StepResult step, long policyVersion, DateTimeOffset tickTime);

    void EpisodeEnded(int episode, EpisodeEnd end, int length);

    /// <summary>The replica acts with this version from step <paramref name="index"/> of the episode on.</summary>
    void PolicyApplied(long version, int episode, int index);

    void Warn(string message);
}

/// <summary>A pushed weights payload waiting for the next step boundary; the newest one wins.</summary>
public sealed class PendingWeights
{
    private byte[]? _payload;

    public void Offer(byte[] payload) => Interlocked.Exchange(ref _payload, payload);

    public byte[]? Take() => Interlocked.Exchange(ref _payload, null);
}

/// <summary>Figures of the loop so far (read from any thread).</summary>
/// <param name="HeldTicks">Ticks that acted on nothing because a reading was missing or too old (<see cref="StaleReadingException"/>): the servos kept their last safe goal.</param>
public sealed record ActorLoopFigures(int? Episode, int Step, long PolicyVersion, long Ticks, long Overruns, long ReadFailures, long NonFiniteActions,
    double LoopP50Ms, double LoopP99Ms, long HeldTicks = 0);

/// <summary>
/// LeRobot's actor loop (rl/actor.py act_with_policy) on a <see cref="GymManipulatorEnv"/>: episode after episode,
/// reset, then each step the replica's action (the operator's while intervening, replaced by the action processor),
/// through the safety step to the servos, the env's clock for one period, the next observation handed to the sink.
/// Weights are applied at a step boundary, not only at an episode's end. A policy action that is not finite is never
/// sent: the tick holds (the neutral action) and is counted. A failed bus exchange skips the tick and the servos keep
/// their last safe goal; <see cref="MaxConsecutiveFailures"/> in a row end the run. A stale reading (a robot whose
/// devices belong to device actors: the bus unplugged or reconnecting) is a held tick instead, for as long as it lasts:
/// nothing is written, nothing is journaled, the first fresh reading re-syncs the observation; a hold longer than
/// <see cref="MaxHoldInEpisode"/> ends the episode as interrupted (a gap that long is no trajectory to learn from) and the
/// next one starts once the readings are fresh again.
/// </summary>
public sealed class HilSerlActorLoop(GymManipulatorEnv env, PolicyReplica replica, PendingWeights weights, IActorLoopSink sink,
    IReadOnlyList<string> actionNames, ScriptedOperator? scripted = null)
{
    private const int TimingWindow = 1000;
    private readonly double[] _times = new double[TimingWindow];
    private long _timed;
    private volatile ActorLoopFigures _figures = new(null, 0, 0, 0, 0, 0, 0, 0, 0);
    private long _ticks, _readFailures, _nonFinite, _policyErrors, _held;

    public int MaxConsecutiveFailures { get; init; } = 10;
    public TimeSpan MaxHoldInEpisode { get; init; } = TimeSpan.FromSeconds(1);
    public int Seed { get; init; } = 1000;

    public ActorLoopFigures Figures => _figures;

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled (the open episode ends Interrupted) or <paramref name="episodes"/>
    /// episodes are done. <paramref name="paused"/> is checked between episodes and at each tick: while it is set the
    /// open episode ends Interrupted and no new one opens. An interrupted episode's last step is truncated and carries
    /// its next observation (as a time limit's does), so each of its steps pairs into a transition.
    /// </summary>
    public void Run(CancellationToken stop, Func<bool>? paused = null, int? episodes = null)
    {
        var done = 0;
        while (!stop.IsCancellationRequested && (episodes is null || done < episodes))
        {
            if (paused?.Invoke() == true)
            {
                Thread.Sleep(50);
                continue;
            }
            var episode = sink.OpenEpisode();
            RunEpisode(episode, stop, paused);
            done++;
        }
    }

    private void RunEpisode(int episode, CancellationToken stop, Func<bool>? paused)
    {
        if (ResetWhenFresh(episode, stop, paused) is not { } observation)
        {
            sink.EpisodeEnded(episode, EpisodeEnd.Interrupted, 0);
            return;
        }
        (env.Clock as RealTimeClock)?.Restart();
        var index = 0;
        var consecutive = 0;
        var watch = Stopwatch.StartNew();
        Stopwatch? holding = null;
        float[]? lastAction = null;
        while (true)
        {
            // Before the first step nothing is lost by ending here. After it, a stop or pause is taken at the end of a
            // tick (below), so that the episode's last step goes out truncated with its s' and becomes a transition;
            // one asked for between that check and this one costs at most one more tick. After a failed bus exchange it
            // ends here, and so while the readings are stale: the last step went out untruncated and stays unpaired at the learner.
            if ((index == 0 || consecutive > 0 || holding is not null) && Cut(stop, paused))
            {
                sink.EpisodeEnded(episode, EpisodeEnd.Interrupted, index);
                return;
            }
            if (holding is not null)
            {
                // Nothing is chosen or written while the readings are stale; the first fresh one becomes the observation.
                if (holding.Elapsed > MaxHoldInEpisode)
                {
                    sink.Warn($"the readings stayed stale for {holding.Elapsed.TotalSeconds:F1} s; episode {episode} ends as interrupted after {index} steps");
                    sink.EpisodeEnded(episode, EpisodeEnd.Interrupted, index);
                    return;
                }
                try
                {
                    env.Pipeline.Hold(lastAction ?? new float[actionNames.Count]);
                    env.Clock.Tick(env.Period);
                    observation = env.Pipeline.Observe().Next;
                    holding = null;
                }
                catch (StaleReadingException)
                {
                }
                _held++;
                _ticks++;
                Publish(episode, index);
                continue;
            }
            ApplyWeights(episode, index);
            var tick = DateTimeOffset.UtcNow;
            var start = watch.Elapsed;
            StepResult step;
            try
            {
                float[]? action;
                try
                {
                    action = replica.Act(observation, env.Pipeline);
                }
                catch (System.Runtime.InteropServices.ExternalException e)
                {
                    // A libtorch error inside one forward pass (TorchSharp's Scalar race has caused them) holds this tick
                    // like a non-finite action instead of ending the session.
                    _policyErrors++;
                    if (_policyErrors == 1 || _policyErrors % 100 == 0)
                        sink.Warn($"the policy (weights version {replica.Version}) failed in torch ({FirstLine(e.Message)}); the tick held the arm ({_policyErrors} so far)");
                    action = null;
                }
                if (action is not null && !Array.TrueForAll(action, float.IsFinite))
                {
                    _nonFinite++;
                    if (_nonFinite == 1 || _nonFinite % 100 == 0)
                        sink.Warn($"the policy (weights version {replica.Version}) gave a non-finite action [{string.Join(", ", action)}]; the tick held the arm ({_nonFinite} so far)");
                    action = null;
                }
                if (action is not null && scripted is not null)
                    scripted.ObservePolicyAction(actionNames.Zip(action).ToDictionary(p => p.First, p => (double)p.Second));
                env.Pipeline.Act(action);
                var work = watch.Elapsed - start;
                env.Clock.Tick(env.Period);
                start = watch.Elapsed;
                step = env.Pipeline.Observe();
                Time((work + (watch.Elapsed - start)).TotalMilliseconds);
                consecutive = 0;
            }
            catch (StaleReadingException e)
            {
                if (_held == 0 || _held % 100 == 0) sink.Warn($"{e.Message}; the arm holds its last safe goal ({_held + 1} held ticks so far)");
                holding = Stopwatch.StartNew();
                _held++;
                _ticks++;
                Publish(episode, index);
                continue;
            }
            catch (MotorBusCommunicationException) when (++consecutive < MaxConsecutiveFailures)
            {
                _readFailures++;
                _ticks++;
                continue;
            }
            _ticks++;
            // A session stop or pause cuts the episode here: its last step is marked truncated (not done: the task did not
            // end, so the learner bootstraps from s'), and a truncated step carries its next observation to the journal.
            var cut = !step.EpisodeOver && Cut(stop, paused);
            if (cut) step = step with { Truncated = true };
            sink.Step(episode, index, step, replica.Version, tick);
            index++;
            observation = step.Next;
            lastAction = step.Action;
            Publish(episode, index);
            if (step.EpisodeOver)
            {
                sink.EpisodeEnded(episode, cut ? EpisodeEnd.Interrupted : Outcome(step), index);
                return;
            }
        }
    }

    private static bool Cut(CancellationToken stop, Func<bool>? paused) => stop.IsCancellationRequested || paused?.Invoke() == true;

    /// <summary>The episode's reset, tried again each control period while the readings are stale; null when stopped or paused first.</summary>
    private EnvObservation? ResetWhenFresh(int episode, CancellationToken stop, Func<bool>? paused)
    {
        var warned = false;
        while (!stop.IsCancellationRequested && paused?.Invoke() != true)
        {
            try
            {
                return env.Reset(Seed + episode);
            }
            catch (StaleReadingException e)
            {
                if (!warned) sink.Warn($"episode {episode} waits for fresh readings to reset: {e.Message}");
                warned = true;
                _held++;
                _ticks++;
                Publish(episode, 0);
                Thread.Sleep(env.Period);
            }
        }
        return null;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static EpisodeEnd Outcome(StepResult step) =>
        step.Events.Rerecord ? EpisodeEnd.Rerecord
        : step.Events.Success || step.Task?.Success == true ? EpisodeEnd.Success
        : step.Events.Failure ? EpisodeEnd.Failure
        : step.Truncated ? EpisodeEnd.TimeLimit
        : EpisodeEnd.Failure;

    private void ApplyWeights(int episode, int index)
    {
        if (weights.Take() is not { } payload) return;
        try
        {
            var version = replica.Apply(payload);
            sink.PolicyApplied(version, episode, index);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or Policies.GaussianActor.FrozenBackboneMismatchException)
        {
            sink.Warn($"pushed weights refused, the replica keeps version {replica.Version}: {ex.Message}");
        }
    }

    private void Time(double ms)
    {
        _times[_timed % TimingWindow] = ms;
        _timed++;
    }

    private void Publish(int episode, int index)
    {
        if (index % 10 != 1 && index > 1) { _figures = _figures with { Episode = episode, Step = index, Ticks = _ticks, HeldTicks = _held }; return; }
        var n = (int)Math.Min(_timed, TimingWindow);
        var sorted = _times.Take(n).Order().ToArray();
        double Pct(double p) => n == 0 ? 0 : sorted[Math.Min(n - 1, (int)(p * n))];
        _figures = new ActorLoopFigures(episode, index, replica.Version, _ticks, (env.Clock as RealTimeClock)?.Overruns ?? 0, _readFailures, _nonFinite, Pct(0.5), Pct(0.99), _held);
    }
}
