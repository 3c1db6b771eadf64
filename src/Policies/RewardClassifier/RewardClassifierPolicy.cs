using System.Text.RegularExpressions;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Processors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.RewardClassifier;

/// <summary>
/// The HIL-SERL reward classifier (LeRobot's Classifier): one backbone shared by the cameras, then per camera
/// spatial embeddings, dropout, linear, LayerNorm, tanh; the cameras' latents are concatenated into a head
/// (linear, dropout, LayerNorm, ReLU, linear) giving one logit (binary) or one per class. The label is
/// "next.reward". Keys as LeRobot's modules name them: encoder.* (the backbone), encoders.&lt;camera&gt;.{1,3,4}.*
/// (LeRobot's per-camera nn.Sequential holds the shared backbone at index 0, saved once under encoder.*),
/// classifier_head.{0,2,4}.*. Unlike LeRobot, whose pretrained ResNet-10 stays frozen, the built-in CNN and
/// the per-camera layers train (there are no pretrained weights here).
/// </summary>
public sealed partial class RewardClassifierPolicy : PreTrainedPolicy
{
    private readonly RewardClassifierConfig _config;
    private readonly List<string> _cameras;
    private readonly DefaultImageEncoder _backbone;
    private readonly ModuleDict<CameraEncoder> _encoders = new();
    private readonly nn.Module<Tensor, Tensor> _head;

    public RewardClassifierPolicy(RewardClassifierConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _cameras = config.ImageFeatures.Select(kv => kv.Key).ToList();
        var shape = config.ImageFeatures[0].Value.Shape;
        var side = DefaultImageEncoder.OutputSize(Math.Min(shape[1], shape[2]));
        if (side < 1)
            throw new PolicyConfigException($"reward_classifier: images of [{string.Join(",", shape)}] are too small for the built-in CNN; use at least 39×39 pixels");
        _backbone = new DefaultImageEncoder(shape[0], config.ImageEncoderHiddenDim);
        register_module("encoder", _backbone);
        var mapH = DefaultImageEncoder.OutputSize(shape[1]);
        var mapW = DefaultImageEncoder.OutputSize(shape[2]);
        foreach (var camera in _cameras)
            _encoders.Add(camera.Replace('.', '_'), new CameraEncoder(mapH, mapW, config));
        register_module("encoders", _encoders);
        _head = nn.Sequential(
            nn.Linear(config.LatentDim * config.NumCameras, config.HiddenDim),
            nn.Dropout(config.DropoutRate),
            nn.LayerNorm(config.HiddenDim),
            nn.ReLU(),
            nn.Linear(config.HiddenDim, config.IsBinary ? 1 : config.NumClasses));
        register_module("classifier_head", _head);
    }

    // Every module is registered by its LeRobot name above; no C# field name may become a key.
    protected override void RegisterComponents() { }

    /// <summary>Logits: (B) for binary, (B, num_classes) otherwise.</summary>
    public Tensor Logits(IReadOnlyDictionary<string, Tensor> batch)
    {
        var images = _cameras.Select(c => batch.TryGetValue(c, out var t) ? t
            : throw new KeyNotFoundException($"the batch lacks camera '{c}'; it has: {string.Join(", ", batch.Keys)}")).ToArray();
        var maps = _backbone.forward(torch.cat(images, 0)).chunk(images.Length, 0);
        var latents = _cameras.Select((c, i) => _encoders[c.Replace('.', '_')].forward(maps[i])).ToArray();
        var logits = _head.forward(latents.Length == 1 ? latents[0] : torch.cat(latents, -1));
        return _config.IsBinary ? logits.squeeze(-1) : logits;
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        var labels = batch.TryGetValue(PolicyKeys.Reward, out var r) ? r.reshape(-1)
            : throw new KeyNotFoundException($"the reward classifier trains on '{PolicyKeys.Reward}' labels; the batch has: {string.Join(", ", batch.Keys)}");
        var logits = Logits(batch);
        Tensor loss, predicted;
        if (_config.IsBinary)
        {
            loss = nn.functional.binary_cross_entropy_with_logits(logits, labels.to(float32));
            predicted = (logits > 0).to(float32);
        }
        else
        {
            loss = nn.functional.cross_entropy(logits, labels.to(int64));
            predicted = logits.argmax(-1).to(float32);
        }
        var accuracy = (predicted == labels.to(float32)).to(float32).mean().item<float>() * 100;
        return (loss, new Dictionary<string, double> { ["accuracy"] = accuracy });
    }

    /// <summary>Binary: 1 where sigmoid(logit) exceeds the threshold, else 0; multi-class: the arg-max class.</summary>
    public Tensor PredictReward(IReadOnlyDictionary<string, Tensor> batch, double threshold = 0.5)
    {
        using var noGrad = torch.no_grad();
        var logits = Logits(batch);
        return _config.IsBinary ? (torch.sigmoid(logits) > threshold).to(float32) : logits.argmax(-1).to(float32);
    }

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch) =>
        throw new NotSupportedException("a reward classifier produces rewards, not actions; call PredictReward");

    /// <summary>Files saved by RobotActors 0.1 ("camera_encoders.*", field-name duplicates) load with their keys mapped.</summary>
    protected override IReadOnlyDictionary<string, Tensor> UpgradeStateDict(IReadOnlyDictionary<string, Tensor> tensors, string source) =>
        IsLegacy(tensors.Keys) ? ConvertLegacy(tensors) : tensors;

    public static bool IsLegacy(IEnumerable<string> keys) =>
        keys.Any(k => k.StartsWith("camera_encoders.", StringComparison.Ordinal) || k.Split('.').Any(p => p.StartsWith('_')));

    public static Dictionary<string, T> ConvertLegacy<T>(IReadOnlyDictionary<string, T> tensors)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in tensors)
        {
            if (key.Split('.').Any(p => p.StartsWith('_'))) continue;
            var m = LegacyCamera().Match(key);
            var mapped = m.Success ? $"encoders.{m.Groups["camera"].Value}.{int.Parse(m.Groups["i"].Value) + 1}.{m.Groups["rest"].Value}"
                : key.StartsWith("encoder.image_encoder.", StringComparison.Ordinal) ? "encoder.image_enc_layers." + key["encoder.image_encoder.".Length..]
                : key;
            result[mapped] = value;
        }
        return result;
    }

    [GeneratedRegex(@"^camera_encoders\.(?<camera>[^.]+)\.(?<i>\d+)\.(?<rest>.+)$")]
    private static partial Regex LegacyCamera();

    /// <summary>
    /// One camera's layers after the shared backbone, numbered as in LeRobot's nn.Sequential(backbone,
    /// spatial embeddings, dropout, linear, LayerNorm, tanh): "1" to "5" ("0", the backbone, is saved once as encoder.*).
    /// </summary>
    private sealed class CameraEncoder : NamedModule<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor>[] _layers;

        public CameraEncoder(long mapH, long mapW, RewardClassifierConfig config) : base("camera_encoder")
        {
            var spatial = new SpatialLearnedEmbeddings(mapH, mapW, config.ImageEncoderHiddenDim, config.ImageEmbeddingPoolingDim);
            _layers = [spatial, nn.Dropout(config.DropoutRate), nn.Linear(spatial.OutputDim, config.LatentDim), nn.LayerNorm(config.LatentDim), nn.Tanh()];
            for (var i = 0; i < _layers.Length; i++) register_module((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), _layers[i]);
        }

        public override Tensor forward(Tensor maps)
        {
            foreach (var layer in _layers) maps = layer.forward(maps);
            return maps;
        }
    }
}
