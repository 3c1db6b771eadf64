using RobotActors.Actors.Protocol;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Writing;

namespace RobotActors.Actors.Session;

/// <param name="Session">Only this session's episodes; all sessions when null.</param>
/// <param name="IncludeInterrupted">Also write episodes cut by a crash (they end without a done step).</param>
/// <param name="Video">Camera features as MP4 video (needs ffmpeg) instead of PNG images.</param>
public sealed record SessionExportOptions(int? Session = null, bool IncludeInterrupted = false, bool Video = false, string? RobotType = null);

public sealed record SessionExportResult(string Root, int Episodes, long Frames, int Skipped);

/// <summary>
/// Turns a session journal, read in order, into a LeRobotDataset v3 the way LeRobot's gym_manipulator
/// records one: the state and camera keys as they are, "action" (the executed action), "next.reward",
/// "next.done", "complementary_info.discrete_penalty" and "complementary_info.is_intervention", the
/// session's task per frame. Episodes are written as each one ends, so memory holds one episode at a time;
/// re-recorded episodes are left out, and interrupted ones unless asked for.
/// </summary>
public sealed class SessionExport(string root, SessionExportOptions options)
{
    private DatasetRecorder? _recorder;
    private string? _task;
    private int? _fps;
    private int? _session;
    private bool _inEpisode;
    private int _episodes, _skipped;
    private long _frames;

    public async Task OnEventAsync(ISessionEvent e)
    {
        switch (e)
        {
            case SessionStarted s:
                (_session, _task) = (s.Session, s.Task);
                if (Wanted && _fps is { } fps && fps != s.Fps)
                    throw new InvalidOperationException($"session {s.Session} runs at {s.Fps} fps but earlier exported sessions at {fps}; a dataset has one fps. Export one session at a time (--session).");
                if (Wanted) _fps = s.Fps;
                break;
            case EpisodeStarted:
                _inEpisode = Wanted;
                break;
            case StepsRecorded r when _inEpisode:
                foreach (var step in r.Steps) Add(step);
                break;
            case EpisodeEnded end when _inEpisode:
                _inEpisode = false;
                if (end.Outcome == EpisodeOutcome.Rerecord || (end.Outcome == EpisodeOutcome.Interrupted && !options.IncludeInterrupted) || _recorder is null || _recorder.BufferedFrames == 0)
                {
                    _recorder?.DiscardEpisode();
                    _skipped++;
                    break;
                }
                _frames += _recorder.BufferedFrames;
                await _recorder.SaveEpisodeAsync();
                _episodes++;
                break;
        }
    }

    private bool Wanted => options.Session is null || options.Session == _session;

    private void Add(StepRecord step)
    {
        _recorder ??= DatasetRecorder.Create(root, _fps ?? throw new InvalidOperationException("steps before any session started: the journal is damaged"),
            Features(step), options.RobotType);
        var frame = new Dictionary<string, object>
        {
            ["action"] = step.Action,
            ["next.reward"] = step.Reward,
            ["next.done"] = step.Done || step.Truncated,
            ["complementary_info.discrete_penalty"] = step.DiscretePenalty,
            ["complementary_info.is_intervention"] = step.Intervention,
        };
        foreach (var (key, values) in step.Observation.State) frame[key] = values;
        foreach (var (key, image) in step.Observation.Images) frame[key] = image;
        _recorder.AddFrame(frame, _task!);
    }

    private IEnumerable<FeatureSpec> Features(StepRecord step)
    {
        foreach (var (key, values) in step.Observation.State.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            yield return FeatureSpec.Numeric(key, DTypes.Float32, [values.Length]);
        foreach (var (key, image) in step.Observation.Images.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            yield return FeatureSpec.Camera(key, image.Height, image.Width, image.Channels, options.Video);
        yield return FeatureSpec.Numeric("action", DTypes.Float32, [step.Action.Length]);
        yield return FeatureSpec.Numeric("next.reward", DTypes.Float32, [1]);
        yield return FeatureSpec.Numeric("next.done", DTypes.Bool, [1]);
        yield return FeatureSpec.Numeric("complementary_info.discrete_penalty", DTypes.Float32, [1]);
        yield return FeatureSpec.Numeric("complementary_info.is_intervention", DTypes.Bool, [1]);
    }

    public SessionExportResult Finish()
    {
        if (_inEpisode)
        {
            _recorder?.DiscardEpisode(); // still open in the journal: it has not ended yet
            _skipped++;
        }
        _recorder?.FinalizeDataset();
        return new SessionExportResult(root, _episodes, _frames, _skipped);
    }
}
