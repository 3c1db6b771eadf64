using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Act;

/// <summary>
/// ACT's temporal ensembling (Algorithm 2 of the ACT paper, LeRobot's ACTTemporalEnsembler): every step the
/// policy predicts a whole chunk, and the action executed for a time step is the running weighted mean of
/// every prediction made for it, with weights wᵢ = exp(-coeff·i), w₀ for the oldest prediction. A positive
/// coefficient favours older predictions (the original ACT uses 0.01).
/// </summary>
public sealed class ActTemporalEnsembler : IDisposable
{
    private readonly int _chunkSize;
    private readonly Tensor _weights;
    private readonly Tensor _cumulative;
    private Tensor? _ensembled;   // (B, steps left, A)
    private Tensor? _counts;      // (steps left, 1) long: how many predictions each step has averaged

    public ActTemporalEnsembler(double coeff, int chunkSize)
    {
        _chunkSize = chunkSize;
        _weights = torch.exp(-coeff * torch.arange(chunkSize, dtype: float32)).DetachFromDisposeScope();
        _cumulative = torch.cumsum(_weights, 0).DetachFromDisposeScope();
    }

    public void Reset()
    {
        _ensembled?.Dispose();
        _counts?.Dispose();
        _ensembled = null;
        _counts = null;
    }

    /// <summary>Folds a new (B, chunk_size, A) prediction into the ensemble and returns the action for now, (B, A).</summary>
    public Tensor Update(Tensor actions)
    {
        using var scope = torch.NewDisposeScope();
        var weights = _weights.to(actions.device);
        var cumulative = _cumulative.to(actions.device);
        Tensor ensembled, counts;
        if (_ensembled is null)
        {
            ensembled = actions.clone();
            counts = torch.ones(_chunkSize, 1, dtype: int64, device: actions.device);
        }
        else
        {
            // Online weighted mean over the steps predicted before, then the chunk's new last step on its own.
            var c = _counts!;
            var previous = _ensembled * cumulative[c - 1];
            previous = previous + actions[.., ..^1] * weights[c];
            previous = previous / cumulative[c];
            counts = torch.clamp(c + 1, max: _chunkSize);
            ensembled = torch.cat([previous, actions[.., ^1..]], 1);
            counts = torch.cat([counts, torch.ones_like(counts[^1..])]);
        }
        var action = ensembled[.., 0];
        Reset();
        _ensembled = ensembled[.., 1..].DetachFromDisposeScope();
        _counts = counts[1..].DetachFromDisposeScope();
        return action.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Reset();
        _weights.Dispose();
        _cumulative.Dispose();
    }
}
