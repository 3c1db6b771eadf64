using RobotActors.Rl.Env;

namespace RobotActors.Rl.Recording;

/// <summary>What the terminal shows while recording: episode k of N, time left, frames, the last event.</summary>
public sealed record RecordStatus(int Episode, int Episodes, string Phase, double TimeLeftS, int Frames, string? LastEvent);

public sealed record RecordSummary(int Saved, int Rerecorded, int Successes, bool Stopped, long Frames);

public sealed record RecordOptions
{
    public required int Episodes { get; init; }
    /// <summary>A simulated world's episode with dataset index i starts from seed Seed + i (a re-recorded episode gets the same start), so `replay` can set the same scene up again.</summary>
    public int Seed { get; init; } = 1000;
    /// <summary>The dataset index of the first episode recorded now (the episodes already there, with --resume).</summary>
    public int FirstEpisodeIndex { get; init; }
    /// <summary>lerobot-record: after each episode, this long of teleoperation that is not recorded (the operator resets the scene).</summary>
    public TimeSpan? TeleoperatedReset { get; init; }
    /// <summary>gym_manipulator: wait reset_time_s after moving to the reset joints.</summary>
    public bool WaitResetTime { get; init; } = true;
}

/// <summary>
/// The recording loop of lerobot-record and of gym_manipulator's record mode, over a <see cref="GymManipulatorEnv"/>:
/// reset, then steps until done (success: reward 1; failure: 0) or truncated (the time limit), each recorded;
/// re-record (the teleoperator's event or ← / r) discards the episode and records it again; → / n ends it early
/// (its last frame is marked done); Esc / q saves it and stops. Every saved episode is on disk when the next starts.
/// </summary>
public sealed class EpisodeRecording(GymManipulatorEnv env, TransitionRecorder recorder, RecordControls? controls = null, Action<RecordStatus>? progress = null)
{
    public async Task<RecordSummary> RunAsync(RecordOptions options, CancellationToken cancel)
    {
        int saved = 0, rerecorded = 0, successes = 0;
        long frames = 0;
        var stopped = false;
        string? lastEvent = null;
        var limit = env.Config.MaxEpisodeSteps;
        while (saved < options.Episodes && !stopped && !cancel.IsCancellationRequested)
        {
            env.Reset(seed: EpisodeSeed(options.Seed, options.FirstEpisodeIndex + saved), waitResetTime: options.WaitResetTime);
            controls?.Take(); // keys pressed during the reset belong to it
            var steps = 0;
            var succeeded = false; // without terminate_on_success a successful episode runs on to the time limit
            var outcome = Outcome.Running;
            while (outcome == Outcome.Running)
            {
                var step = env.Step(null);
                steps++;
                var request = controls?.Take() ?? RecordRequest.None;
                if (cancel.IsCancellationRequested) request |= RecordRequest.Stop | RecordRequest.ExitEarly;
                if (step.Events.Rerecord || request.HasFlag(RecordRequest.Rerecord))
                {
                    outcome = Outcome.Rerecord;
                    break;
                }
                if (request.HasFlag(RecordRequest.ExitEarly) && !step.EpisodeOver) step = step with { Truncated = true };
                recorder.Add(step);
                succeeded |= step.Events.Success || step.Reward > 0;
                if (step.Done) outcome = step.Events.Success || step.Reward > 0 ? Outcome.Success : Outcome.Failure;
                else if (step.Truncated) outcome = request.HasFlag(RecordRequest.ExitEarly) ? Outcome.Ended : Outcome.TimeLimit;
                if (request.HasFlag(RecordRequest.Stop)) stopped = true;
                progress?.Invoke(new RecordStatus(saved + 1, options.Episodes, "recording", (limit - steps) * env.Config.Dt, recorder.BufferedFrames, lastEvent));
            }
            if (outcome == Outcome.Rerecord)
            {
                recorder.Discard();
                rerecorded++;
                lastEvent = $"episode {saved + 1} discarded: re-recording it";
            }
            else
            {
                var record = await recorder.SaveAsync();
                frames += record.Length;
                saved++;
                if (succeeded) successes++;
                lastEvent = outcome switch
                {
                    Outcome.Success => $"episode {saved}: success (reward 1), {record.Length} frames saved",
                    Outcome.Failure => $"episode {saved}: failure (reward 0), {record.Length} frames saved",
                    Outcome.TimeLimit => $"episode {saved}: time limit{(succeeded ? " after success" : " (reward 0)")}, {record.Length} frames saved",
                    _ => $"episode {saved}: ended early, {record.Length} frames saved",
                };
            }
            progress?.Invoke(new RecordStatus(outcome == Outcome.Rerecord ? saved + 1 : saved, options.Episodes, outcome == Outcome.Rerecord ? "discarded" : "saved", 0, 0, lastEvent));
            if (options.TeleoperatedReset is { } reset && saved < options.Episodes && !stopped)
                TeleoperateReset(reset, options, saved, ref lastEvent, ref stopped);
        }
        return new RecordSummary(saved, rerecorded, successes, stopped || cancel.IsCancellationRequested, frames);
    }

    /// <summary>The simulated scene of dataset episode <paramref name="episodeIndex"/> recorded with --seed <paramref name="seed"/>.</summary>
    public static int EpisodeSeed(int seed, long episodeIndex) => unchecked(seed + (int)episodeIndex);

    private void TeleoperateReset(TimeSpan duration, RecordOptions options, int saved, ref string? lastEvent, ref bool stopped)
    {
        var ticks = (int)Math.Ceiling(duration.TotalSeconds * env.Config.Fps);
        for (var i = 0; i < ticks; i++)
        {
            env.Step(null);
            var request = controls?.Take() ?? RecordRequest.None;
            if (request.HasFlag(RecordRequest.Stop)) stopped = true;
            if (request.HasFlag(RecordRequest.ExitEarly)) break;
            progress?.Invoke(new RecordStatus(saved + 1, options.Episodes, "reset", (ticks - i - 1) * env.Config.Dt, 0, lastEvent));
        }
    }

    private enum Outcome { Running, Success, Failure, TimeLimit, Ended, Rerecord }
}
