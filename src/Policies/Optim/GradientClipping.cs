using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Optim;

public static class GradientClipping
{
    /// <summary>Scales all gradients so their global L2 norm is at most maxNorm; returns the norm before scaling.</summary>
    public static double ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        using var scope = torch.NewDisposeScope();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var total = torch.stack(grads.Select(g => g.pow(2).sum()).ToArray()).sum().sqrt().item<float>();
        if (maxNorm > 0 && total > maxNorm)
        {
            var scale = maxNorm / (total + 1e-6);
            using (torch.no_grad())
                foreach (var g in grads) g.mul_(scale);
        }
        return total;
    }
}
