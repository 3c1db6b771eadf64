using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// Spatial soft-argmax (Finn et al., "Deep Spatial Autoencoders"; robomimic's and LeRobot's SpatialSoftmax):
/// a 1×1 convolution ("nets") maps the C-channel feature map to num_kp keypoint maps, each map's softmax over
/// the pixels weights a grid of normalized coordinates ("pos_grid", (H·W, 2) in [-1, 1], x then y), and the
/// result is each keypoint's expected (x, y): (B, num_kp, 2).
/// </summary>
public sealed class SpatialSoftmax : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d? _nets;
    private readonly Tensor _posGrid;
    private readonly long _height, _width, _keypoints;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public SpatialSoftmax(long channels, long height, long width, long? keypoints) : base("spatial_softmax")
    {
        (_height, _width) = (height, width);
        if (keypoints is { } k)
        {
            _nets = nn.Conv2d(channels, k, 1);
            register_module("nets", _nets);
        }
        _keypoints = keypoints ?? channels;
        var grid = new float[height * width * 2];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var p = (y * width + x) * 2;
                grid[p] = (float)Linspace(x, width);
                grid[p + 1] = (float)Linspace(y, height);
            }
        _posGrid = torch.tensor(grid).reshape(height * width, 2);
        register_buffer("pos_grid", _posGrid);
    }

    // numpy.linspace(-1, 1, n)[i]
    private static double Linspace(long i, long n) => n == 1 ? -1.0 : -1.0 + 2.0 * i / (n - 1);

    public long Keypoints => _keypoints;

    public override Tensor forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        if (_nets is not null) features = _nets.forward(features);
        var attention = nn.functional.softmax(features.reshape(-1, _height * _width), -1);
        return attention.matmul(_posGrid).view(-1, _keypoints, 2).MoveToOuterDisposeScope();
    }
}
