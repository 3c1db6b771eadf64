namespace RobotActors.Policies.Tests.Layout;

/// <summary>
/// model.safetensors keys of LeRobot's VQ-BeT, derived by hand from huggingface/lerobot
/// src/lerobot/policies/vqbet/modeling_vqbet.py and vqbet_utils.py: VQBeTPolicy.vqbet = VQBeTModel with rgb_encoder
/// (VQBeTRgbEncoder: backbone = nn.Sequential(*resnet18.children()[:-2]) with BatchNorm2d since LeRobot #3202,
/// pool = SpatialSoftmax(nets, pos_grid buffer), out), the action_token parameter, state_projector and
/// rgb_feature_projector (MLP = Sequential(Linear)), policy = GPT (transformer = ModuleDict(wte Linear, wpe
/// Embedding, h = Blocks of ln_1, attn (c_attn, c_proj, the causal-mask buffer "bias" (1, 1, block, block)), ln_2,
/// mlp = Sequential(Linear, GELU, Linear, Dropout)), ln_f), lm_head without bias), action_head = VQBeTHead
/// (vqvae_model = VqVae: the "discretized" bool buffer, vq_layer = ResidualVQ (freeze_codebook bool buffer, layers
/// of VectorQuantize whose _codebook = EuclideanCodebook holds the buffers initted, cluster_size, embed_avg, embed;
/// its project_in / project_out are nn.Identity), encoder and decoder MLPs (Linear, ReLU, Linear, ReLU, Linear));
/// map_to_cbet_preds_bin and map_to_cbet_preds_offset MLPs) and the select_target_actions_indices int64 buffer.
/// </summary>
internal static class LeRobotVqbetKeys
{
    /// <summary>The two 0-d bool buffers (torch.tensor(False)).</summary>
    public static readonly string[] BoolKeys =
    [
        "vqbet.action_head.vqvae_model.discretized",
        "vqbet.action_head.vqvae_model.vq_layer.freeze_codebook",
    ];

    /// <summary>VQBeTConfig defaults (crop 84, 32 keypoints, GPT 8 × 512 with block 500, 16 codes of 256, hidden 128, chunks of 5, 5 + 3 - 1 query tokens).</summary>
    public static TorchKeys Vqbet(long state, long action, long cropSide = 84, long keypoints = 32, long gpt = 512, int layers = 8,
        long block = 500, long codes = 16, long embedding = 256, long hidden = 128, long chunk = 5, long queries = 7)
    {
        var k = new TorchKeys();
        var map = cropSide;
        for (var i = 0; i < 5; i++) map = (map + 1) / 2;
        k.ResNet18("vqbet.rgb_encoder.backbone", (t, q, ch) => t.BatchNorm(q, ch), sequential: true)
            .Conv2d("vqbet.rgb_encoder.pool.nets", 512, keypoints, 1)
            .Add("vqbet.rgb_encoder.pool.pos_grid", map * map, 2)
            .Linear("vqbet.rgb_encoder.out", 2 * keypoints, 2 * keypoints)
            .Add("vqbet.action_token", 1, 1, gpt)
            .Linear("vqbet.state_projector.0", state, gpt)
            .Linear("vqbet.rgb_feature_projector.0", 2 * keypoints, gpt)
            .Linear("vqbet.policy.transformer.wte", gpt, gpt)
            .Embedding("vqbet.policy.transformer.wpe", block, gpt);
        for (var i = 0; i < layers; i++)
        {
            var p = $"vqbet.policy.transformer.h.{i}";
            k.LayerNorm($"{p}.ln_1", gpt).Linear($"{p}.attn.c_attn", gpt, 3 * gpt).Linear($"{p}.attn.c_proj", gpt, gpt)
                .Add($"{p}.attn.bias", 1, 1, block, block)
                .LayerNorm($"{p}.ln_2", gpt).Linear($"{p}.mlp.0", gpt, 4 * gpt).Linear($"{p}.mlp.2", 4 * gpt, gpt);
        }
        k.LayerNorm("vqbet.policy.transformer.ln_f", gpt).Add("vqbet.policy.lm_head.weight", gpt, gpt);
        const string vqvae = "vqbet.action_head.vqvae_model";
        foreach (var key in BoolKeys) k.Add(key);
        for (var i = 0; i < 2; i++)
        {
            var p = $"{vqvae}.vq_layer.layers.{i}._codebook";
            k.Add($"{p}.initted", 1).Add($"{p}.cluster_size", 1, codes).Add($"{p}.embed_avg", 1, codes, embedding).Add($"{p}.embed", 1, codes, embedding);
        }
        k.Linear($"{vqvae}.encoder.0", chunk * action, hidden).Linear($"{vqvae}.encoder.2", hidden, hidden).Linear($"{vqvae}.encoder.4", hidden, embedding)
            .Linear($"{vqvae}.decoder.0", embedding, hidden).Linear($"{vqvae}.decoder.2", hidden, hidden).Linear($"{vqvae}.decoder.4", hidden, chunk * action)
            .Linear("vqbet.action_head.map_to_cbet_preds_bin.0", gpt, 2 * codes)
            .Linear("vqbet.action_head.map_to_cbet_preds_offset.0", gpt, 2 * codes * chunk * action)
            .Add("vqbet.select_target_actions_indices", queries, chunk);
        k.Int64.Add("vqbet.select_target_actions_indices");
        return k;
    }

    /// <summary>VQBeTConfig's own fields (configuration_vqbet.py, after LeRobot #3202).</summary>
    public static readonly string[] ConfigFields =
    [
        "n_action_pred_token", "action_chunk_size", "vision_backbone", "crop_shape", "crop_is_random", "pretrained_backbone_weights",
        "use_group_norm", "spatial_softmax_num_keypoints", "n_vqvae_training_steps", "vqvae_n_embed", "vqvae_embedding_dim",
        "vqvae_enc_hidden_dim", "gpt_block_size", "gpt_input_dim", "gpt_output_dim", "gpt_n_layer", "gpt_n_head", "gpt_hidden_dim",
        "dropout", "offset_loss_weight", "primary_code_loss_weight", "secondary_code_loss_weight", "bet_softmax_temperature",
        "sequentially_select", "optimizer_lr", "optimizer_betas", "optimizer_eps", "optimizer_weight_decay", "optimizer_vqvae_lr",
        "optimizer_vqvae_weight_decay", "scheduler_warmup_steps",
    ];
}
