using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Rtc;

/// <summary>
/// The action queue of a chunking policy run with Real-Time Chunking (LeRobot's rtc ActionQueue). It keeps each
/// chunk twice: as the policy produced it (normalized, what the next chunk is guided toward) and as the robot
/// executes it (post-processed; the same tensor when no post-processing is given). With RTC on, a new chunk
/// replaces what is left of the old one, minus its first <c>delay</c> steps: those are the steps the robot
/// executed from the old chunk while the new one was computed. With RTC off, chunks are appended.
/// Safe to use from a control thread that pops and an inference thread that merges. Tensors are (B, T, A);
/// queued tensors live outside any dispose scope and popped ones belong to the caller.
/// </summary>
public sealed class RtcActionQueue(bool rtcEnabled) : IDisposable
{
    private readonly object _gate = new();
    private Tensor? _original;
    private Tensor? _processed;
    private int _index;

    public bool RtcEnabled { get; } = rtcEnabled;

    /// <summary>How many actions have been popped from the current chunk (LeRobot's get_action_index).</summary>
    public int ActionIndex
    {
        get { lock (_gate) return _index; }
    }

    /// <summary>Actions not yet popped.</summary>
    public int Count
    {
        get { lock (_gate) return _processed is null ? 0 : (int)_processed.shape[1] - _index; }
    }

    public bool IsEmpty => Count == 0;

    /// <summary>The next action to execute, (B, A); null when the queue has run dry.</summary>
    public Tensor? Pop()
    {
        lock (_gate)
        {
            if (_processed is null || _index >= _processed.shape[1]) return null;
            return _processed[.., _index++].clone();
        }
    }

    /// <summary>The policy-space actions not yet executed, (B, Count, A): what RTC guides the next chunk toward; null when empty.</summary>
    public Tensor? LeftOver()
    {
        lock (_gate) return _original is null || _index >= _original.shape[1] ? null : _original[.., _index..].clone();
    }

    /// <summary>The post-processed actions not yet executed, (B, Count, A); null when empty.</summary>
    public Tensor? ProcessedLeftOver()
    {
        lock (_gate) return _processed is null || _index >= _processed.shape[1] ? null : _processed[.., _index..].clone();
    }

    /// <summary>
    /// Merges a new chunk. <paramref name="delay"/> is the number of steps executed while the chunk was computed
    /// (the inference delay in control steps). When <paramref name="actionIndexBeforeInference"/> is given the
    /// delay is capped at the actions actually popped since then, so the queue never skips ahead of the robot.
    /// </summary>
    /// <returns>The delay applied.</returns>
    public int Merge(Tensor original, Tensor? processed, int delay, int? actionIndexBeforeInference = null)
    {
        processed ??= original;
        if (original.dim() != 3 || !original.shape.SequenceEqual(processed.shape))
            throw new ArgumentException($"a chunk is (batch, steps, action_dim) given twice with one shape, got [{string.Join(", ", original.shape)}] and [{string.Join(", ", processed.shape)}]");
        lock (_gate)
        {
            var applied = Math.Max(0, delay);
            if (actionIndexBeforeInference is { } before) applied = Math.Min(applied, Math.Max(0, _index - before));
            if (RtcEnabled)
            {
                applied = (int)Math.Min(applied, original.shape[1]);
                Replace(original[.., applied..], processed[.., applied..]);
                return applied;
            }
            if (_original is null || _processed is null || _index >= _processed.shape[1])
                Replace(original, processed);
            else
                Replace(torch.cat([_original[.., _index..], original], 1), torch.cat([_processed[.., _index..], processed], 1));
            return 0;
        }
    }

    private void Replace(Tensor original, Tensor processed)
    {
        var o = original.clone().DetachFromDisposeScope();
        var p = processed.clone().DetachFromDisposeScope();
        _original?.Dispose();
        _processed?.Dispose();
        (_original, _processed, _index) = (o, p, 0);
    }

    public void Clear()
    {
        lock (_gate)
        {
            _original?.Dispose();
            _processed?.Dispose();
            (_original, _processed, _index) = (null, null, 0);
        }
    }

    public void Dispose() => Clear();
}
