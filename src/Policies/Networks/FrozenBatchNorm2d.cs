using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// Batch normalization with fixed statistics and affine parameters (torchvision's FrozenBatchNorm2d): all
/// four are buffers, so no optimizer moves them and a batch never updates them. ACT's backbone uses it so a
/// pretrained ResNet keeps its ImageNet statistics whatever the batch size.
/// </summary>
public sealed class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
{
    private const double Eps = 1e-5;
    private readonly Tensor _weight;
    private readonly Tensor _bias;
    private readonly Tensor _runningMean;
    private readonly Tensor _runningVar;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public FrozenBatchNorm2d(long channels) : base("frozen_batch_norm2d")
    {
        _weight = torch.ones(channels);
        _bias = torch.zeros(channels);
        _runningMean = torch.zeros(channels);
        _runningVar = torch.ones(channels);
        register_buffer("weight", _weight);
        register_buffer("bias", _bias);
        register_buffer("running_mean", _runningMean);
        register_buffer("running_var", _runningVar);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var scale = _weight * (_runningVar + Eps).rsqrt();
        var shift = _bias - _runningMean * scale;
        return (x * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1)).MoveToOuterDisposeScope();
    }
}
