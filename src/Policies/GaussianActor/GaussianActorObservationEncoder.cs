using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// LeRobot's GaussianActorObservationEncoder: one latent vector per observation. Per camera a backbone (run
/// once on all cameras stacked in the batch dimension), then spatial embeddings, dropout, linear,
/// LayerNorm, tanh; the environment state and the robot state each through linear, LayerNorm, tanh. Keys:
/// image_encoder.image_enc_layers.*, spatial_embeddings.&lt;camera&gt;.kernel, post_encoders.&lt;camera&gt;.{1,2}.*,
/// env_encoder.{0,1}.*, state_encoder.{0,1}.* (camera keys with '.' replaced by '_').
/// </summary>
public sealed class GaussianActorObservationEncoder : NamedModule
{
    private readonly List<string> _imageKeys;
    private readonly nn.Module<Tensor, Tensor>? _backbone;
    private readonly ModuleDict<nn.Module<Tensor, Tensor>> _spatial = new();
    private readonly ModuleDict<nn.Module<Tensor, Tensor>> _imagePost = new();
    private readonly nn.Module<Tensor, Tensor>? _envEncoder;
    private readonly nn.Module<Tensor, Tensor>? _stateEncoder;

    public GaussianActorObservationEncoder(GaussianActorConfig config) : base("encoder")
    {
        _imageKeys = config.ImageFeatures.Select(kv => kv.Key).ToList();
        var latent = config.LatentDim;
        long outputDim = 0;
        if (_imageKeys.Count > 0)
        {
            var shape = config.ImageFeatures[0].Value.Shape;
            _backbone = config.UsesResNet10
                ? new PretrainedImageEncoder(new ResNet10Encoder(shape[0]))
                : DefaultImageEncoder.OutputSize(Math.Min(shape[1], shape[2])) >= 1
                    ? new DefaultImageEncoder(shape[0], config.ImageEncoderHiddenDim)
                    : throw new PolicyConfigException($"{config.Type}: images of [{string.Join(",", shape)}] are too small for the default 4-conv encoder; use at least 39×39 pixels (e.g. crop and resize to 64×64 or 128×128)");
            register_module("image_encoder", _backbone);
            FreezeBackbone = config.FreezeVisionEncoder;
            if (FreezeBackbone)
                foreach (var p in _backbone.parameters()) p.requires_grad = false;
            long[] mapShape;
            using (torch.no_grad())
            using (var probe = _backbone.forward(torch.zeros(1, shape[0], shape[1], shape[2])))
                mapShape = probe.shape;
            foreach (var key in _imageKeys)
            {
                var name = ModuleName(key);
                var spatial = new SpatialLearnedEmbeddings(mapShape[2], mapShape[3], mapShape[1], config.ImageEmbeddingPoolingDim);
                _spatial.Add(name, spatial);
                _imagePost.Add(name, nn.Sequential(nn.Dropout(0.1), nn.Linear(spatial.OutputDim, latent), nn.LayerNorm(latent), nn.Tanh()));
                outputDim += latent;
            }
            register_module("spatial_embeddings", _spatial);
            register_module("post_encoders", _imagePost);
        }
        if (config.InputFeatures.TryGetValue(PolicyKeys.ObservationEnvironmentState, out var env))
        {
            _envEncoder = nn.Sequential(nn.Linear(env.Shape[0], latent), nn.LayerNorm(latent), nn.Tanh());
            register_module("env_encoder", _envEncoder);
            outputDim += latent;
        }
        if (config.InputFeatures.TryGetValue(PolicyKeys.ObservationState, out var state))
        {
            _stateEncoder = nn.Sequential(nn.Linear(state.Shape[0], latent), nn.LayerNorm(latent), nn.Tanh());
            register_module("state_encoder", _stateEncoder);
            outputDim += latent;
        }
        OutputDim = outputDim;
    }

    public long OutputDim { get; }
    public bool HasImages => _imageKeys.Count > 0;
    public bool FreezeBackbone { get; }
    public IReadOnlyList<string> ImageKeys => _imageKeys;

    /// <summary>The backbone's parameters (none without cameras): what a frozen encoder never changes.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> BackboneParameters() =>
        _backbone is null ? [] : _backbone.named_parameters().Select(p => ("image_encoder." + p.name, p.parameter));

    private static string ModuleName(string key) => key.Replace('.', '_');

    /// <summary>Backbone feature maps per camera; computed once per batch and shared by every network when frozen.</summary>
    public Dictionary<string, Tensor> ImageFeatures(IReadOnlyDictionary<string, Tensor> observation)
    {
        if (_backbone is null) return new();
        var images = _imageKeys.Select(k => observation.TryGetValue(k, out var t) ? t
            : throw new KeyNotFoundException($"the batch lacks camera '{k}'; it has: {string.Join(", ", observation.Keys)}")).ToArray();
        Tensor maps;
        if (FreezeBackbone)
            using (torch.no_grad()) maps = _backbone.forward(torch.cat(images, 0));
        else
            maps = _backbone.forward(torch.cat(images, 0));
        var chunks = maps.chunk(images.Length, 0);
        return _imageKeys.Select((k, i) => (k, chunks[i])).ToDictionary(p => p.k, p => p.Item2);
    }

    public Tensor Forward(IReadOnlyDictionary<string, Tensor> observation, IReadOnlyDictionary<string, Tensor>? cachedImageFeatures = null, bool detach = false)
    {
        var parts = new List<Tensor>();
        if (_backbone is not null)
        {
            var maps = cachedImageFeatures ?? ImageFeatures(observation);
            foreach (var key in _imageKeys)
            {
                var name = ModuleName(key);
                parts.Add(_imagePost[name].forward(_spatial[name].forward(maps[key])));
            }
        }
        if (_envEncoder is not null) parts.Add(_envEncoder.forward(Require(observation, PolicyKeys.ObservationEnvironmentState)));
        if (_stateEncoder is not null) parts.Add(_stateEncoder.forward(Require(observation, PolicyKeys.ObservationState)));
        var result = parts.Count == 1 ? parts[0] : torch.cat(parts.ToArray(), -1);
        return detach ? result.detach() : result;
    }

    private static Tensor Require(IReadOnlyDictionary<string, Tensor> observation, string key) =>
        observation.TryGetValue(key, out var t) ? t
            : throw new KeyNotFoundException($"the batch lacks '{key}'; it has: {string.Join(", ", observation.Keys)}");
}
