using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests;

public class TorchSharpSmokeTests
{
    [Fact]
    public void A_small_network_runs_forward_and_backward_and_learns()
    {
        torch.manual_seed(7);
        var net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1));
        var opt = optim.Adam(net.parameters(), lr: 0.05);
        var x = torch.randn(64, 4);
        var y = (x[.., 0] * 2 - x[.., 1]).unsqueeze(1);

        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            opt.zero_grad();
            using var loss = nn.functional.mse_loss(net.forward(x), y);
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }

        var grads = net.parameters().Select(p => p.grad).ToList();
        Assert.All(grads, g => Assert.NotNull(g));
        Assert.True(last < first * 0.05, $"loss went from {first} to {last}; expected the network to fit a linear target");
    }
}
