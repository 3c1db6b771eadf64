using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Tdmpc;

public class TdmpcPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tdmpc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Forward_gives_a_finite_loss_and_LeRobots_log_entries()
    {
        torch.manual_seed(0);
        using var policy = new TdmpcPolicy(SmallTdmpc.Config());
        var (loss, info) = policy.Forward(SmallTdmpc.Windows(8, 3));
        Assert.True(float.IsFinite(loss.item<float>()));
        foreach (var key in new[] { "consistency_loss", "reward_loss", "Q_value_loss", "V_value_loss", "pi_loss", "sum_loss", "Q", "V", "advantage" })
            Assert.True(info.ContainsKey(key), key);
    }
}
