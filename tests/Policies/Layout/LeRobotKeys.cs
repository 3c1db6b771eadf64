namespace RobotActors.Policies.Tests.Layout;

/// <summary>
/// model.safetensors key lists of LeRobot's policies, derived by hand from huggingface/lerobot
/// src/lerobot/policies/act/modeling_act.py (ACTPolicy.model = ACT: vae_encoder (ACTEncoder of ACTEncoderLayer:
/// self_attn, linear1, linear2, norm1, norm2; its norm is nn.Identity without pre_norm), vae_encoder_cls_embed,
/// vae_encoder_robot_state_input_proj, vae_encoder_action_input_proj, vae_encoder_latent_output_proj, the
/// vae_encoder_pos_enc buffer, backbone = IntermediateLayerGetter(resnet18 with FrozenBatchNorm2d), encoder,
/// decoder (ACTDecoderLayer: self_attn, multihead_attn, linear1, linear2, norm1..3; ACTDecoder.norm), the input
/// projections, encoder_1d_feature_pos_embed, decoder_pos_embed, action_head) and
/// src/lerobot/policies/diffusion/modeling_diffusion.py (DiffusionPolicy.diffusion = DiffusionModel: rgb_encoder
/// (a ModuleList per camera when use_separate_rgb_encoder_per_camera) of DiffusionRgbEncoder (backbone =
/// nn.Sequential(*resnet18.children()[:-2]) with BatchNorm2d, pool = SpatialSoftmax(nets, pos_grid buffer), out),
/// unet = DiffusionConditionalUnet1d (diffusion_step_encoder Sequential(SinusoidalPosEmb, Linear, Mish, Linear),
/// down_modules / mid_modules / up_modules of DiffusionConditionalResidualBlock1d (conv1/conv2 =
/// DiffusionConv1dBlock.block = Sequential(Conv1d, GroupNorm, Mish), cond_encoder = Sequential(Mish, Linear),
/// residual_conv when the channels change), final_conv)). Since LeRobot PR #1452 no normalization buffers.
/// </summary>
internal static class LeRobotKeys
{
    /// <summary>ACTConfig defaults (dim_model 512, 8 heads, feed-forward 3200, 4 encoder, 1 decoder and 4 VAE layers, latent 32).</summary>
    public static TorchKeys Act(long state, long action, int cameras, int chunk = 100, long d = 512, long ff = 3200,
        int encoderLayers = 4, int decoderLayers = 1, int vaeLayers = 4, long latent = 32)
    {
        var k = new TorchKeys();
        void EncoderLayer(string p)
        {
            k.MultiheadAttention($"{p}.self_attn", d).Linear($"{p}.linear1", d, ff).Linear($"{p}.linear2", ff, d)
                .LayerNorm($"{p}.norm1", d).LayerNorm($"{p}.norm2", d);
        }
        for (var i = 0; i < vaeLayers; i++) EncoderLayer($"model.vae_encoder.layers.{i}");
        k.Embedding("model.vae_encoder_cls_embed", 1, d)
            .Linear("model.vae_encoder_robot_state_input_proj", state, d)
            .Linear("model.vae_encoder_action_input_proj", action, d)
            .Linear("model.vae_encoder_latent_output_proj", d, 2 * latent)
            .Add("model.vae_encoder_pos_enc", 1, 1 + 1 + chunk, d);
        if (cameras > 0)
        {
            k.ResNet18("model.backbone", (t, p, c) => t.FrozenBatchNorm(p, c), sequential: false);
            k.Conv2d("model.encoder_img_feat_input_proj", 512, d, 1);
        }
        for (var i = 0; i < encoderLayers; i++) EncoderLayer($"model.encoder.layers.{i}");
        for (var i = 0; i < decoderLayers; i++)
        {
            var p = $"model.decoder.layers.{i}";
            k.MultiheadAttention($"{p}.self_attn", d).MultiheadAttention($"{p}.multihead_attn", d)
                .Linear($"{p}.linear1", d, ff).Linear($"{p}.linear2", ff, d)
                .LayerNorm($"{p}.norm1", d).LayerNorm($"{p}.norm2", d).LayerNorm($"{p}.norm3", d);
        }
        k.LayerNorm("model.decoder.norm", d)
            .Linear("model.encoder_robot_state_input_proj", state, d)
            .Linear("model.encoder_latent_input_proj", latent, d)
            .Embedding("model.encoder_1d_feature_pos_embed", 2, d)
            .Embedding("model.decoder_pos_embed", chunk, d)
            .Linear("model.action_head", d, action);
        return k;
    }

    /// <summary>
    /// DiffusionConfig defaults (n_obs_steps 2, down_dims 512/1024/2048, kernel 5, 8 groups, step embedding 128, FiLM
    /// scale modulation, 32 keypoints, separate encoders, batch norm) for cameras of side <paramref name="imageSide"/>.
    /// </summary>
    public static TorchKeys Diffusion(long state, long action, int cameras, long imageSide, long[]? downDims = null,
        int nObs = 2, long stepEmbed = 128, long kernel = 5, long keypoints = 32)
    {
        var dims = downDims ?? [512, 1024, 2048];
        var k = new TorchKeys();
        var map = imageSide;
        for (var i = 0; i < 5; i++) map = (map + 1) / 2;
        for (var c = 0; c < cameras; c++)
        {
            var p = $"diffusion.rgb_encoder.{c}";
            k.ResNet18($"{p}.backbone", (t, q, ch) => t.BatchNorm(q, ch), sequential: true)
                .Conv2d($"{p}.pool.nets", 512, keypoints, 1)
                .Add($"{p}.pool.pos_grid", map * map, 2)
                .Linear($"{p}.out", 2 * keypoints, 2 * keypoints);
        }
        var cond = stepEmbed + (state + cameras * 2 * keypoints) * nObs;
        k.Linear("diffusion.unet.diffusion_step_encoder.1", stepEmbed, stepEmbed * 4)
            .Linear("diffusion.unet.diffusion_step_encoder.3", stepEmbed * 4, stepEmbed);
        void Block(string p, long input, long output)
        {
            k.Conv1d($"{p}.conv1.block.0", input, output, kernel).GroupNorm($"{p}.conv1.block.1", output)
                .Linear($"{p}.cond_encoder.1", cond, 2 * output)
                .Conv1d($"{p}.conv2.block.0", output, output, kernel).GroupNorm($"{p}.conv2.block.1", output);
            if (input != output) k.Conv1d($"{p}.residual_conv", input, output, 1);
        }
        var inOut = new List<(long, long)> { (action, dims[0]) };
        for (var i = 0; i + 1 < dims.Length; i++) inOut.Add((dims[i], dims[i + 1]));
        for (var i = 0; i < inOut.Count; i++)
        {
            var (input, output) = inOut[i];
            Block($"diffusion.unet.down_modules.{i}.0", input, output);
            Block($"diffusion.unet.down_modules.{i}.1", output, output);
            if (i < inOut.Count - 1) k.Conv1d($"diffusion.unet.down_modules.{i}.2", output, output, 3);
        }
        Block("diffusion.unet.mid_modules.0", dims[^1], dims[^1]);
        Block("diffusion.unet.mid_modules.1", dims[^1], dims[^1]);
        var up = inOut.Skip(1).Reverse().ToList();
        for (var i = 0; i < up.Count; i++)
        {
            var (output, input) = up[i];
            Block($"diffusion.unet.up_modules.{i}.0", input * 2, output);
            Block($"diffusion.unet.up_modules.{i}.1", output, output);
            if (i < inOut.Count - 1) k.ConvTranspose1d($"diffusion.unet.up_modules.{i}.2", output, output, 4);
        }
        k.Conv1d("diffusion.unet.final_conv.0.block.0", dims[0], dims[0], kernel).GroupNorm("diffusion.unet.final_conv.0.block.1", dims[0])
            .Conv1d("diffusion.unet.final_conv.1", dims[0], action, 1);
        return k;
    }

    /// <summary>The fields LeRobot's PreTrainedConfig writes into every config.json (configs/policies.py).</summary>
    public static readonly string[] BaseConfigFields =
    [
        "type", "n_obs_steps", "input_features", "output_features", "device", "use_amp", "use_peft", "push_to_hub",
        "repo_id", "private", "tags", "license", "pretrained_path", "pretrained_revision", "normalization_mapping",
    ];

    /// <summary>ACTConfig's own fields (configuration_act.py).</summary>
    public static readonly string[] ActConfigFields =
    [
        "chunk_size", "n_action_steps", "vision_backbone", "pretrained_backbone_weights", "replace_final_stride_with_dilation",
        "pre_norm", "dim_model", "n_heads", "dim_feedforward", "feedforward_activation", "n_encoder_layers", "n_decoder_layers",
        "use_vae", "latent_dim", "n_vae_encoder_layers", "temporal_ensemble_coeff", "dropout", "kl_weight", "optimizer_lr",
        "optimizer_weight_decay", "optimizer_lr_backbone",
    ];

    /// <summary>DiffusionConfig's own fields (configuration_diffusion.py, after LeRobot #3202).</summary>
    public static readonly string[] DiffusionConfigFields =
    [
        "horizon", "n_action_steps", "drop_n_last_frames", "vision_backbone", "resize_shape", "crop_ratio", "crop_shape",
        "crop_is_random", "pretrained_backbone_weights", "use_group_norm", "spatial_softmax_num_keypoints",
        "use_separate_rgb_encoder_per_camera", "down_dims", "kernel_size", "n_groups", "diffusion_step_embed_dim",
        "use_film_scale_modulation", "gradient_checkpointing", "noise_scheduler_type", "num_train_timesteps", "beta_schedule",
        "beta_start", "beta_end", "prediction_type", "clip_sample", "clip_sample_range", "num_inference_steps", "compile_model",
        "compile_mode", "do_mask_loss_for_padding", "optimizer_lr", "optimizer_betas", "optimizer_eps", "optimizer_weight_decay",
        "scheduler_name", "scheduler_warmup_steps",
    ];
}
