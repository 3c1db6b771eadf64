using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// The training loss of LeRobot's TDMPCPolicy.forward on a window batch: the encoder's latent of the first
/// observation is rolled out through the latent dynamics with the window's actions, and
/// consistency_coeff · ‖ẑ − target encoder(next obs)‖² + reward_coeff · (r̂ − r)² + value_coeff · Σ_ensemble (Q − (r + γ V(next)))²
/// + value_coeff · expectile(V vs. min of two target Qs) + pi_coeff · exp(advantage_scaling · A)-weighted ‖π(ẑ) − a‖²,
/// each step weighted by temporal_decay_coeff^t and masked where the window ran past its episode (*_is_pad).
/// </summary>
public static class TdmpcLoss
{
    public static (Tensor Loss, Dictionary<string, double> Info) Compute(TdmpcConfig config, TdmpcModel model, TdmpcModel target,
        IReadOnlyDictionary<string, Tensor> batch)
    {
        var info = new Dictionary<string, double>();
        if (!batch.ContainsKey(PolicyKeys.Reward))
            throw new PolicyConfigException($"tdmpc: the training batch has no '{PolicyKeys.Reward}' (it has {string.Join(", ", batch.Keys)}); TD-MPC learns from rewards: " +
                                            "train on a dataset recorded with the env's reward, or online on the sim with `robotactors bench tdmpc`");
        // (B, T, ...) → (T, B, ...), as LeRobot transposes the batch.
        Tensor TimeFirst(Tensor t) => t.dim() > 1 ? t.transpose(0, 1) : t;
        var action = TimeFirst(batch[PolicyKeys.Action]);                              // (h, b, a)
        var reward = TimeFirst(batch[PolicyKeys.Reward]).to(float32);                   // (h, b)
        var observationKeys = config.InputFeatures.Keys.ToList();
        var observations = observationKeys.ToDictionary(k => k, k => TimeFirst(batch[k]));
        if (config.CameraKey is { } camera && config.MaxRandomShiftRatio > 0)
        {
            var images = observations[camera];
            var flat = images.flatten(0, 1);
            observations[camera] = TdmpcRandomShift.Apply(flat, config.MaxRandomShiftRatio).view(images.shape);
        }
        var current = observations.ToDictionary(kv => kv.Key, kv => kv.Value[0]);
        var next = observations.ToDictionary(kv => kv.Key, kv => kv.Value[1..]);
        var horizon = action.shape[0];
        var b = action.shape[1];
        var device = action.device;

        var valid = (string key, long length) => batch.TryGetValue(key + PolicyKeys.PadSuffix, out var pad)
            ? (~TimeFirst(pad).to(ScalarType.Bool)).to(float32)
            : torch.ones(length, b, device: device);
        // LeRobot masks with observation.state's padding; a state-less config uses its first observation key's.
        var obsKey = observationKeys.Contains(PolicyKeys.ObservationState) ? PolicyKeys.ObservationState : observationKeys[0];
        var obsValid = valid(obsKey, horizon + 1);
        var actionValid = valid(PolicyKeys.Action, horizon);
        var rewardValid = valid(PolicyKeys.Reward, horizon);

        // Latent rollout: z₀ from the encoder, then one step of the dynamics per action.
        var zs = new List<Tensor> { model.Encode(current) };
        var rewardPreds = new List<Tensor>();
        for (var t = 0; t < horizon; t++)
        {
            var (z, r) = model.LatentDynamicsAndReward(zs[t], action[t]);
            zs.Add(z);
            rewardPreds.Add(r);
        }
        var zPreds = torch.stack(zs, 0);                                                // (h+1, b, d)
        var rewardPred = torch.stack(rewardPreds, 0);                                   // (h, b)
        var qPreds = model.Qs(zPreds[..^1], action);                                    // (e, h, b)
        var vPreds = model.V(zPreds[..^1]);                                             // (h, b)
        info["Q"] = qPreds.mean().item<float>();
        info["V"] = vPreds.mean().item<float>();

        Tensor zTargets, qTargets, vTargets;
        using (torch.no_grad())
        {
            zTargets = target.Encode(next);
            // FOWM eqn 3: the TD target uses V of the online model (as the original code), not Q(z, π(z)).
            qTargets = reward + config.Discount * model.V(model.Encode(next));
            vTargets = target.Qs(zPreds[..^1].detach(), action, returnMin: true);
        }

        var decay = torch.pow(torch.tensor(config.TemporalDecayCoeff, dtype: float32, device: device),
            torch.arange(horizon, dtype: float32, device: device)).unsqueeze(-1);        // (h, 1)
        var first = obsValid[0];                                                        // (b)
        var later = obsValid[1..];                                                      // (h, b)

        var consistency = (decay * (zPreds[1..] - zTargets).pow(2).mean([-1]) * first * actionValid * later).sum(0L).mean();
        var rewardLoss = (decay * (rewardPred - reward).pow(2) * rewardValid * first * actionValid).sum(0L).mean();
        var qLoss = (decay * (qPreds - qTargets.unsqueeze(0)).pow(2).sum(0L) * first * actionValid * rewardValid * later).sum(0L).mean();
        var diff = vTargets - vPreds;
        var expectile = torch.where(diff > 0, torch.tensor(config.ExpectileWeight, dtype: float32, device: device),
            torch.tensor(1 - config.ExpectileWeight, dtype: float32, device: device));
        var vLoss = (decay * expectile * diff.pow(2) * first * actionValid).sum(0L).mean();

        // Advantage-weighted regression of π (FOWM 3.1) on the detached rollout.
        var zDetached = zPreds.detach();
        Tensor weights;
        using (torch.no_grad())
        {
            var advantage = target.Qs(zDetached[..^1], action, returnMin: true) - model.V(zDetached[..^1]);
            info["advantage"] = advantage.mean().item<float>();
            weights = (advantage * config.AdvantageScaling).exp().clamp_max(100.0);
        }
        var mse = (model.Pi(zDetached[..^1]) - action).pow(2).sum(-1);                  // (h, b)
        // As the original code, π's loss is averaged over time too, not summed.
        var piLoss = (weights * mse * decay * first * actionValid).mean();

        var loss = config.ConsistencyCoeff * consistency + config.RewardCoeff * rewardLoss + config.ValueCoeff * qLoss
                   + config.ValueCoeff * vLoss + config.PiCoeff * piLoss;
        info["consistency_loss"] = consistency.item<float>();
        info["reward_loss"] = rewardLoss.item<float>();
        info["Q_value_loss"] = qLoss.item<float>();
        info["V_value_loss"] = vLoss.item<float>();
        info["pi_loss"] = piLoss.item<float>();
        info["sum_loss"] = loss.item<float>() * config.Horizon;
        return (loss, info);
    }
}
