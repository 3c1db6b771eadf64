namespace RobotActors.Policies.Tests.Layout;

/// <summary>
/// model.safetensors keys and shapes of LeRobot's TD-MPC, derived by hand from huggingface/lerobot
/// src/lerobot/policies/tdmpc/modeling_tdmpc.py: TDMPCPolicy holds `model` (TDMPCTOLD) and `model_target`
/// (a deepcopy of it, so the same keys under "model_target."). TDMPCTOLD: `_encoder` (TDMPCObservationEncoder:
/// image_enc_layers = Sequential(Conv2d(C, h, 7, s2), ReLU, Conv2d(h, h, 5, s2), ReLU, Conv2d(h, h, 3, s2), ReLU,
/// Conv2d(h, h, 3, s2), ReLU) extended with Flatten, Linear(out, latent), LayerNorm, Sigmoid — so indices 0, 2, 4,
/// 6, 9, 10; state_enc_layers and env_state_enc_layers = Sequential(Linear(D, state_hidden), ELU, Linear(state_hidden,
/// latent), LayerNorm, Sigmoid) — indices 0, 2, 3), `_dynamics` and `_reward` = Sequential(Linear, LayerNorm, Mish,
/// Linear, LayerNorm, Mish, Linear[, LayerNorm, Sigmoid]) — indices 0, 1, 3, 4, 6[, 7], `_pi` the same shape as
/// `_reward` with action outputs, `_Qs` = ModuleList of Sequential(Linear, LayerNorm, Tanh, Linear, ELU, Linear) —
/// indices 0, 1, 3, 5 — and `_V` like one Q on the latent alone. No buffers.
/// </summary>
internal static class LeRobotTdmpcKeys
{
    /// <summary>TDMPCConfig defaults: latent 50, mlp 512, state encoder 256, image encoder 32 channels, 5 Qs.</summary>
    public static TorchKeys Tdmpc(long state, long envState, long action, long[]? image, long latent = 50, long mlp = 512,
        long stateHidden = 256, long imageHidden = 32, int ensemble = 5)
    {
        var k = new TorchKeys();
        foreach (var root in new[] { "model", "model_target" })
        {
            var e = $"{root}._encoder";
            if (image is { } shape)
            {
                long side = shape[1];
                foreach (var kernel in new long[] { 7, 5, 3, 3 }) side = (side - kernel) / 2 + 1;
                k.Conv2d($"{e}.image_enc_layers.0", shape[0], imageHidden, 7)
                    .Conv2d($"{e}.image_enc_layers.2", imageHidden, imageHidden, 5)
                    .Conv2d($"{e}.image_enc_layers.4", imageHidden, imageHidden, 3)
                    .Conv2d($"{e}.image_enc_layers.6", imageHidden, imageHidden, 3)
                    .Linear($"{e}.image_enc_layers.9", imageHidden * side * side, latent)
                    .LayerNorm($"{e}.image_enc_layers.10", latent);
            }
            if (state > 0)
                k.Linear($"{e}.state_enc_layers.0", state, stateHidden).Linear($"{e}.state_enc_layers.2", stateHidden, latent)
                    .LayerNorm($"{e}.state_enc_layers.3", latent);
            if (envState > 0)
                k.Linear($"{e}.env_state_enc_layers.0", envState, stateHidden).Linear($"{e}.env_state_enc_layers.2", stateHidden, latent)
                    .LayerNorm($"{e}.env_state_enc_layers.3", latent);
            void TwoHidden(string p, long input, long output)
            {
                k.Linear($"{p}.0", input, mlp).LayerNorm($"{p}.1", mlp).Linear($"{p}.3", mlp, mlp).LayerNorm($"{p}.4", mlp).Linear($"{p}.6", mlp, output);
            }
            TwoHidden($"{root}._dynamics", latent + action, latent);
            k.LayerNorm($"{root}._dynamics.7", latent);
            TwoHidden($"{root}._reward", latent + action, 1);
            TwoHidden($"{root}._pi", latent, action);
            void Value(string p, long input)
            {
                k.Linear($"{p}.0", input, mlp).LayerNorm($"{p}.1", mlp).Linear($"{p}.3", mlp, mlp).Linear($"{p}.5", mlp, 1);
            }
            for (var q = 0; q < ensemble; q++) Value($"{root}._Qs.{q}", latent + action);
            Value($"{root}._V", latent);
        }
        return k;
    }

    /// <summary>TDMPCConfig's own fields (configuration_tdmpc.py).</summary>
    public static readonly string[] ConfigFields =
    [
        "n_action_repeats", "horizon", "n_action_steps", "image_encoder_hidden_dim", "state_encoder_hidden_dim", "latent_dim",
        "q_ensemble_size", "mlp_dim", "discount", "use_mpc", "cem_iterations", "max_std", "min_std", "n_gaussian_samples",
        "n_pi_samples", "uncertainty_regularizer_coeff", "n_elites", "elite_weighting_temperature", "gaussian_mean_momentum",
        "max_random_shift_ratio", "reward_coeff", "expectile_weight", "value_coeff", "consistency_coeff", "advantage_scaling",
        "pi_coeff", "temporal_decay_coeff", "target_model_momentum", "optimizer_lr",
    ];
}
