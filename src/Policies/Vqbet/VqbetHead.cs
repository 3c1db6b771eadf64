using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>What the BeT head predicts for N × T query tokens (flattened to NT rows).</summary>
public sealed record VqbetHeadOutput(Tensor CodeLogits, Tensor PredictedAction, Tensor SampledCodes, Tensor DecodedAction);

/// <summary>
/// The BeT head (LeRobot's VQBeTHead): from each GPT query feature, logits over each residual layer's codes
/// ("map_to_cbet_preds_bin", or the primary then the secondary code with sequentially_select) and a continuous
/// offset for every (layer, code) pair ("map_to_cbet_preds_offset"). A chunk is the decoded sampled codes plus the
/// sampled codes' offsets. It owns the VQ-VAE ("vqvae_model").
/// </summary>
public sealed class VqbetHead : NamedModule
{
    private readonly VqbetConfig _config;
    private readonly VqVae _vqvae;
    private readonly Sequential? _bin, _primaryBin, _secondaryBin;
    private readonly Sequential _offset;
    private readonly long _actionDim;
    private const int Layers = VqbetConfig.VqvaeNumLayers;

    public VqbetHead(VqbetConfig config) : base("action_head")
    {
        _config = config;
        _actionDim = config.ActionFeature!.Shape[0];
        _vqvae = new VqVae(config);
        register_module("vqvae_model", _vqvae);
        if (config.SequentiallySelect)
        {
            _primaryBin = VqbetMlp.Make(config.GptOutputDim, config.VqvaeNEmbed);
            _secondaryBin = VqbetMlp.Make(config.GptOutputDim + config.VqvaeNEmbed, config.VqvaeNEmbed);
            register_module("map_to_cbet_preds_primary_bin", _primaryBin);
            register_module("map_to_cbet_preds_secondary_bin", _secondaryBin);
        }
        else
        {
            _bin = VqbetMlp.Make(config.GptOutputDim, Layers * config.VqvaeNEmbed);
            register_module("map_to_cbet_preds_bin", _bin);
        }
        _offset = VqbetMlp.Make(config.GptOutputDim, Layers * config.VqvaeNEmbed * config.ActionChunkSize * _actionDim);
        register_module("map_to_cbet_preds_offset", _offset);
    }

    public VqVae VqVae => _vqvae;

    /// <summary>The code-prediction layers (one or two MLPs, as sequentially_select makes them).</summary>
    public IEnumerable<Parameter> BinParameters =>
        (_bin is not null ? _bin.parameters() : _primaryBin!.parameters().Concat(_secondaryBin!.parameters()));

    public IEnumerable<Parameter> OffsetParameters => _offset.parameters();

    /// <param name="features">(N, T, gpt_output_dim) GPT outputs at the query tokens.</param>
    public VqbetHeadOutput Forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var (n, t) = (features.shape[0], features.shape[1]);
        var x = features.reshape(n * t, -1);
        var nt = x.shape[0];
        var codes = _config.VqvaeNEmbed;
        var offsets = _offset.forward(x).view(nt, Layers, codes, -1);                     // (NT, G, C, chunk·A)
        Tensor logits, sampled;
        var temperature = _config.BetSoftmaxTemperature;
        if (_config.SequentiallySelect)
        {
            var primaryLogits = _primaryBin!.forward(x);
            var primary = torch.multinomial(nn.functional.softmax(primaryLogits / temperature, -1), 1).squeeze(1);
            var secondaryLogits = _secondaryBin!.forward(torch.cat([x, nn.functional.one_hot(primary, codes).to(x.dtype)], 1));
            var secondary = torch.multinomial(nn.functional.softmax(secondaryLogits / temperature, -1), 1).squeeze(1);
            sampled = torch.stack([primary, secondary], 1);
            logits = torch.stack([primaryLogits, secondaryLogits], 1);
        }
        else
        {
            logits = _bin!.forward(x).view(nt, Layers, codes);
            var probabilities = nn.functional.softmax(logits / temperature, -1);
            sampled = torch.multinomial(probabilities.view(-1, codes), 1).view(nt, Layers);
        }
        // The offsets of the sampled code of each layer, summed over the layers.
        var index = sampled.unsqueeze(-1).unsqueeze(-1).expand(nt, Layers, 1, offsets.shape[^1]);
        var sampledOffsets = offsets.gather(2, index).squeeze(2).sum(1).view(nt, _config.ActionChunkSize, _actionDim);
        var decoded = _vqvae.Decode(sampled);
        var predicted = (decoded + sampledOffsets).view(n, t, -1);
        return new VqbetHeadOutput(logits.MoveToOuterDisposeScope(), predicted.MoveToOuterDisposeScope(),
            sampled.MoveToOuterDisposeScope(), decoded.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// LeRobot's VQBeTHead.loss_fn against target chunks (N, T, chunk, A): focal losses (γ = 2) of the primary and
    /// secondary codes the frozen VQ-VAE assigns to the targets, weighted, plus offset_loss_weight × the L1 of the
    /// predicted chunks; with the figures LeRobot logs.
    /// </summary>
    public (Tensor Loss, Dictionary<string, double> Info) Loss(VqbetHeadOutput prediction, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        var chunks = target.reshape(-1, _config.ActionChunkSize, _actionDim);
        var nt = chunks.shape[0];
        var predicted = prediction.PredictedAction.reshape(nt, _config.ActionChunkSize, _actionDim);
        var labels = _vqvae.Code(chunks);                                                    // (NT, G)
        var offsetLoss = nn.functional.l1_loss(predicted, chunks);
        var primaryLoss = FocalLoss(prediction.CodeLogits[.., 0], labels[.., 0]);
        var secondaryLoss = FocalLoss(prediction.CodeLogits[.., 1], labels[.., 1]);
        var codeLoss = primaryLoss * _config.PrimaryCodeLossWeight + secondaryLoss * _config.SecondaryCodeLossWeight;
        var loss = codeLoss + offsetLoss * _config.OffsetLossWeight;
        var error = (chunks - predicted).abs();
        var info = new Dictionary<string, double>
        {
            ["classification_loss"] = codeLoss.item<float>(),
            ["offset_loss"] = offsetLoss.item<float>(),
            ["equal_primary_code_rate"] = labels[.., 0].eq(prediction.SampledCodes[.., 0]).to(float32).mean().item<float>(),
            ["equal_secondary_code_rate"] = labels[.., 1].eq(prediction.SampledCodes[.., 1]).to(float32).mean().item<float>(),
            ["vq_action_error"] = (chunks - prediction.DecodedAction).abs().mean().item<float>(),
            ["offset_action_error"] = error.mean().item<float>(),
            ["action_error_max"] = error.max().item<float>(),
            ["action_mse_error"] = (chunks - predicted).pow(2).mean().item<float>(),
        };
        return (loss.MoveToOuterDisposeScope(), info);
    }

    /// <summary>Focal loss (Lin et al.; miniBET's): −(1 − p_t)^γ log p_t, averaged, with γ = 2.</summary>
    public static Tensor FocalLoss(Tensor logits, Tensor target, double gamma = 2.0)
    {
        var logpt = nn.functional.log_softmax(logits, -1).gather(-1, target.view(-1, 1)).view(-1);
        return (-(1 - logpt.exp()).pow(gamma) * logpt).mean();
    }
}
