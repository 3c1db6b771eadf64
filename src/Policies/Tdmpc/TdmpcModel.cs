using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// The Task-Oriented Latent Dynamics model (LeRobot's TDMPCTOLD; attribute names are the state-dict names):
/// the observation encoder, latent dynamics z' = d(z, a), reward r(z, a), the policy π(z), an ensemble of
/// q_ensemble_size Q(z, a) and the state value V(z). Linear and convolution weights start orthogonal with zero
/// biases (convolutions with ReLU's gain), and the last layers of the reward and Q heads start at zero, so an
/// untrained model predicts no reward and no value.
/// </summary>
public sealed class TdmpcModel : NamedModule
{
    private readonly TdmpcObservationEncoder _encoder;
    private readonly Sequential _dynamics;
    private readonly Sequential _reward;
    private readonly Sequential _pi;
    private readonly ModuleList<Sequential> _qs = new();
    private readonly Sequential _v;

    public TdmpcModel(TdmpcConfig config) : base("tdmpc_told")
    {
        var latent = config.LatentDim;
        var mlp = config.MlpDim;
        var action = config.ActionFeature!.Shape[0];
        _encoder = new TdmpcObservationEncoder(config);
        _dynamics = nn.Sequential(
            nn.Linear(latent + action, mlp), nn.LayerNorm(mlp), nn.Mish(),
            nn.Linear(mlp, mlp), nn.LayerNorm(mlp), nn.Mish(),
            nn.Linear(mlp, latent), nn.LayerNorm(latent), nn.Sigmoid());
        _reward = nn.Sequential(
            nn.Linear(latent + action, mlp), nn.LayerNorm(mlp), nn.Mish(),
            nn.Linear(mlp, mlp), nn.LayerNorm(mlp), nn.Mish(),
            nn.Linear(mlp, 1));
        _pi = nn.Sequential(
            nn.Linear(latent, mlp), nn.LayerNorm(mlp), nn.Mish(),
            nn.Linear(mlp, mlp), nn.LayerNorm(mlp), nn.Mish(),
            nn.Linear(mlp, action));
        for (var i = 0; i < config.QEnsembleSize; i++)
            _qs.Add(nn.Sequential(nn.Linear(latent + action, mlp), nn.LayerNorm(mlp), nn.Tanh(), nn.Linear(mlp, mlp), nn.ELU(), nn.Linear(mlp, 1)));
        _v = nn.Sequential(nn.Linear(latent, mlp), nn.LayerNorm(mlp), nn.Tanh(), nn.Linear(mlp, mlp), nn.ELU(), nn.Linear(mlp, 1));
        register_module("_encoder", _encoder);
        register_module("_dynamics", _dynamics);
        register_module("_reward", _reward);
        register_module("_pi", _pi);
        register_module("_Qs", _qs);
        register_module("_V", _v);
        InitWeights();
    }

    public int EnsembleSize => _qs.Count;

    private void InitWeights()
    {
        using var noGrad = torch.no_grad();
        var reluGain = Math.Sqrt(2.0);
        foreach (var module in modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.orthogonal_(linear.weight!);
                    if (linear.bias is { } b) nn.init.zeros_(b);
                    break;
                case Conv2d conv:
                    nn.init.orthogonal_(conv.weight!, reluGain);
                    if (conv.bias is { } cb) nn.init.zeros_(cb);
                    break;
            }
        }
        foreach (var head in _qs.Prepend(_reward))
        {
            var last = (Linear)head[head.Count - 1];
            nn.init.zeros_(last.weight!);
            nn.init.zeros_(last.bias!);
        }
    }

    /// <summary>The latent (*, latent_dim) of an observation (see <see cref="TdmpcObservationEncoder.forward"/>).</summary>
    public Tensor Encode(IReadOnlyDictionary<string, Tensor> observation) => _encoder.forward(observation);

    /// <summary>The next latent (*, latent_dim) and the reward (*) of action a (*, action_dim) from latent z.</summary>
    public (Tensor Next, Tensor Reward) LatentDynamicsAndReward(Tensor z, Tensor a)
    {
        var x = torch.cat([z, a], -1);
        return (_dynamics.forward(x), _reward.forward(x).squeeze(-1));
    }

    public Tensor LatentDynamics(Tensor z, Tensor a) => _dynamics.forward(torch.cat([z, a], -1));

    /// <summary>π's action tanh(π(z)), plus Gaussian noise of standard deviation <paramref name="std"/> when positive (not clamped).</summary>
    public Tensor Pi(Tensor z, double std = 0.0)
    {
        var action = torch.tanh(_pi.forward(z));
        return std > 0 ? action + torch.randn_like(action) * std : action;
    }

    /// <summary>The state value (*).</summary>
    public Tensor V(Tensor z) => _v.forward(z).squeeze(-1);

    /// <summary>
    /// Every Q's value (ensemble, *) or, with <paramref name="returnMin"/>, the minimum of two of them drawn at
    /// random with replacement (FOWM's appendix C; all of them when the ensemble has at most two).
    /// </summary>
    public Tensor Qs(Tensor z, Tensor a, bool returnMin = false)
    {
        var x = torch.cat([z, a], -1);
        IEnumerable<Sequential> chosen = _qs;
        if (returnMin && _qs.Count > 2)
        {
            var picks = torch.randint(0, _qs.Count, [2], dtype: ScalarType.Int64).data<long>().ToArray();
            chosen = picks.Select(i => _qs[(int)i]);
        }
        var values = torch.stack(chosen.Select(q => q.forward(x).squeeze(-1)).ToArray(), 0);
        return returnMin ? values.min(0L).values : values;
    }
}
