using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// VQ-BeT's residual VQ-VAE over action chunks (LeRobot's VqVae): an MLP encoder from a flattened chunk
/// (action_chunk_size × action_dim) to vqvae_embedding_dim, the two-layer residual quantizer "vq_layer" with
/// vqvae_n_embed codes per layer, and an MLP decoder back to the chunk. "discretized" turns true when the VQ-VAE
/// phase ends; from then on the VQ-VAE only labels and decodes chunks for the GPT phase.
/// </summary>
public sealed class VqVae : NamedModule
{
    private readonly Tensor _discretized;
    private readonly ResidualVq _vqLayer;
    private readonly Sequential _encoder, _decoder;
    private readonly long _chunk, _actionDim;

    public VqVae(VqbetConfig config) : base("vqvae_model")
    {
        _chunk = config.ActionChunkSize;
        _actionDim = config.ActionFeature!.Shape[0];
        var flat = _chunk * _actionDim;
        _discretized = torch.tensor(false);
        _vqLayer = new ResidualVq(config.VqvaeEmbeddingDim, VqbetConfig.VqvaeNumLayers, config.VqvaeNEmbed);
        _encoder = VqbetMlp.Make(flat, config.VqvaeEncHiddenDim, config.VqvaeEncHiddenDim, config.VqvaeEmbeddingDim);
        _decoder = VqbetMlp.Make(config.VqvaeEmbeddingDim, config.VqvaeEncHiddenDim, config.VqvaeEncHiddenDim, flat);
        register_buffer("discretized", _discretized);
        register_module("vq_layer", _vqLayer);
        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
    }

    public ResidualVq VqLayer => _vqLayer;

    /// <summary>The parameters the VQ-VAE phase trains (the codebooks are moving averages, not parameters).</summary>
    public IEnumerable<Parameter> TrainedParameters => _encoder.parameters().Concat(_decoder.parameters());

    /// <summary>VQ-VAE steps taken so far in this run (LeRobot's optimized_steps; not saved, the trainer's step restores it).</summary>
    public long OptimizedSteps { get; set; }

    public bool Discretized
    {
        get => _discretized.item<bool>();
        set => _discretized.fill_(value);
    }

    /// <summary>
    /// One VQ-VAE training pass over chunks (N, chunk, A): reconstruction L1 + 5 × the summed commitment losses,
    /// with the codes (N, G) and the reconstruction and commitment terms.
    /// </summary>
    public (Tensor Loss, Tensor Codes, double ReconL1, double Commitment) TrainingLoss(Tensor chunks)
    {
        using var scope = torch.NewDisposeScope();
        var state = chunks.reshape(chunks.shape[0], -1);
        var (quantized, codes, losses) = _vqLayer.forward(_encoder.forward(state));
        var commitment = losses.sum();
        var recon = (state - _decoder.forward(quantized)).abs().mean();
        var loss = recon + commitment * 5;
        return (loss.MoveToOuterDisposeScope(), codes.MoveToOuterDisposeScope(), recon.item<float>(), commitment.item<float>());
    }

    /// <summary>The codes (N, G) of chunks (N, chunk, A), without gradients: the labels of the code heads.</summary>
    public Tensor Code(Tensor chunks)
    {
        using var noGrad = torch.no_grad();
        return _vqLayer.forward(_encoder.forward(chunks.reshape(chunks.shape[0], -1))).Codes;
    }

    /// <summary>Decodes codes (N, G) into chunks (N, chunk, A), without gradients.</summary>
    public Tensor Decode(Tensor codes)
    {
        using var noGrad = torch.no_grad();
        return _decoder.forward(_vqLayer.VectorFromCodes(codes)).reshape(codes.shape[0], _chunk, _actionDim);
    }
}
