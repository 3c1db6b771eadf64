using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// TD-MPC's planner (LeRobot's TDMPCPolicy.plan / _plan_step / estimate_value): MPPI with the cross-entropy method
/// in latent space. Each of cem_iterations samples n_gaussian_samples action trajectories around the current mean
/// plus n_pi_samples rolled out by π, scores them by the model's discounted rewards plus the terminal Q (both with
/// FOWM's uncertainty penalty, the ensemble's spread), and moves the Gaussian to the softmax-weighted elites. One
/// elite trajectory is returned, drawn by those weights; the final mean warm-starts the next call, shifted by one.
/// All randomness comes from torch's generator, so a seeded planner gives the same plan.
/// </summary>
public sealed class TdmpcPlanner(TdmpcConfig config)
{
    /// <summary>The planned trajectory (horizon, B, A) from latents z (B, latent_dim), and the updated CEM mean (horizon, B, A).</summary>
    public (Tensor Actions, Tensor Mean) Plan(TdmpcModel model, Tensor z, Tensor? previousMean)
    {
        using var scope = torch.NewDisposeScope();
        var b = z.shape[0];
        var h = config.Horizon;
        var a = config.ActionFeature!.Shape[0];
        var nPi = config.NPiSamples;
        var nGauss = config.NGaussianSamples;

        // Nπ trajectories from the policy, with a little noise (it helps CEM).
        var piActions = torch.empty(h, nPi, b, a, device: z.device);
        if (nPi > 0)
        {
            var zPi = z.unsqueeze(0).expand(nPi, b, z.shape[1]);
            for (var t = 0; t < h; t++)
            {
                piActions[t] = model.Pi(zPi, config.MinStd);
                zPi = model.LatentDynamics(zPi, piActions[t]);
            }
        }

        var zAll = z.unsqueeze(0).expand(nGauss + nPi, b, z.shape[1]);
        var mean = torch.zeros(h, b, a, device: z.device);
        if (previousMean is not null && h > 1) mean[..^1] = previousMean[1..];
        var std = torch.full([h, b, a], config.MaxStd, device: z.device);
        Tensor eliteActions = null!, score = null!;
        for (var i = 0; i < config.CemIterations; i++)
        {
            var noise = torch.randn(h, nGauss, b, a, device: z.device);
            var gaussian = (mean.unsqueeze(1) + std.unsqueeze(1) * noise).clamp(-1, 1);
            var actions = torch.cat([gaussian, piActions], 1);                     // (h, n, b, a)
            var value = EstimateValue(model, zAll, actions).nan_to_num(0);          // (n, b)
            var eliteIdx = value.topk(config.NElites, dim: 0).indexes;              // (e, b)
            var eliteValue = value.gather(0, eliteIdx);                              // (e, b)
            eliteActions = actions.gather(1, eliteIdx.unsqueeze(0).unsqueeze(-1).expand(h, config.NElites, b, a));
            var maxValue = eliteValue.max(0L, keepdim: true).values;
            // Softmax over the elites' values: μ = Σ s·Γ, σ = sqrt(Σ s·(Γ − μ)²).
            score = (config.EliteWeightingTemperature * (eliteValue - maxValue)).exp();
            score = score / score.sum(0L, keepdim: true);
            var weights = score.unsqueeze(0).unsqueeze(-1);                          // (1, e, b, 1)
            var newMean = (weights * eliteActions).sum(1);                            // (h, b, a)
            var newStd = (weights * (eliteActions - newMean.unsqueeze(1)).pow(2)).sum(1).sqrt();
            mean = config.GaussianMeanMomentum * mean + (1 - config.GaussianMeanMomentum) * newMean;
            std = newStd.clamp(config.MinStd, config.MaxStd);
        }
        var chosen = torch.multinomial(score.T, 1).squeeze(-1);                       // (b,)
        var picked = eliteActions.gather(1, chosen.view(1, 1, b, 1).expand(h, 1, b, a)).squeeze(1);
        return (picked.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }

    /// <summary>FOWM eqn 4: Σ γᵗ (r̂ − λ·std(Q)) along the imagined rollout, plus γᴴ (min of two Q − λ·std(Q)) at its end.</summary>
    public Tensor EstimateValue(TdmpcModel model, Tensor z, Tensor actions)
    {
        var lambda = config.UncertaintyRegularizerCoeff;
        Tensor g = torch.zeros(z.shape[..^1], device: z.device);
        var discount = 1.0;
        for (var t = 0; t < actions.shape[0]; t++)
        {
            var regularization = lambda > 0 ? -lambda * model.Qs(z, actions[t]).std(0L) : null;
            var (next, reward) = model.LatentDynamicsAndReward(z, actions[t]);
            g = g + discount * (regularization is null ? reward : reward + regularization);
            z = next;
            discount *= config.Discount;
        }
        var nextAction = model.Pi(z, config.MinStd);
        var terminal = model.Qs(z, nextAction);                                        // (ensemble, n, b)
        var size = model.EnsembleSize;
        var pair = size > 2 ? terminal.index_select(0, torch.randint(0, size, [2], dtype: ScalarType.Int64, device: z.device)) : terminal;
        g = g + discount * pair.min(0L).values;
        if (lambda > 0) g = g - discount * lambda * terminal.std(0L);
        return g;
    }
}
