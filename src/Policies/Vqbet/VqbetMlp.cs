using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// VQ-BeT's MLP (LeRobot's modeling_vqbet.MLP, an nn.Sequential): Linear + ReLU for every hidden size but the
/// last, then a plain Linear. Keys count the ReLUs too: three sizes give "0", "2" and "4".
/// </summary>
internal static class VqbetMlp
{
    public static Sequential Make(long input, params long[] sizes)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        var dim = input;
        for (var i = 0; i < sizes.Length; i++)
        {
            layers.Add(nn.Linear(dim, sizes[i]));
            if (i + 1 < sizes.Length) layers.Add(nn.ReLU());
            dim = sizes[i];
        }
        return nn.Sequential(layers.ToArray());
    }
}
