using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks.Transformer;

internal static class FeedForwardActivation
{
    public static Func<Tensor, Tensor> For(string name) => name switch
    {
        "relu" => x => nn.functional.relu(x),
        "gelu" => x => nn.functional.gelu(x),
        "glu" => x => nn.functional.glu(x),
        _ => throw new ArgumentException($"feedforward_activation should be relu, gelu or glu, not '{name}'"),
    };
}
