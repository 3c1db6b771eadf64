using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies;

/// <summary>
/// The base of every policy (LeRobot's PreTrainedPolicy): a TorchSharp module that selects actions from
/// preprocessed observation batches, computes its training loss, and saves to a pretrained folder.
/// </summary>
public abstract class PreTrainedPolicy : nn.Module
{
    public const string ModelFileName = "model.safetensors";

    protected PreTrainedPolicy(PreTrainedConfig config) : base(config.Type)
    {
        Torch.NativeAllocator.KeepFreedMemory();
        Config = config;
    }

    public PreTrainedConfig Config { get; }

    /// <summary>One action per batch row, (B, action_dim); owns any action queue.</summary>
    public abstract Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch);

    /// <summary>A chunk of actions, (B, chunk, action_dim); single-step policies return a chunk of one.</summary>
    public virtual Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch) => SelectAction(batch).unsqueeze(1);

    /// <summary>The training loss and logging values for a preprocessed batch.</summary>
    public abstract (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch);

    /// <summary>True for RL policies whose batches carry the next observation ("next.observation.*").</summary>
    public virtual bool NeedsNextObservation => false;

    /// <summary>Called at every environment reset: clears action queues and observation history.</summary>
    public virtual void Reset() { }

    /// <summary>Parameter groups for the optimizer preset; single-optimizer policies return one "default" group.</summary>
    public virtual IReadOnlyDictionary<string, IReadOnlyList<Parameter>> GetOptimParams() =>
        new Dictionary<string, IReadOnlyList<Parameter>> { [OptimizerSet.Default] = parameters().Where(p => p.requires_grad).ToList() };

    /// <summary>
    /// Learning rates for parameter groups that do not use the optimizer's own (ACT's "backbone" group at
    /// optimizer_lr_backbone); none by default.
    /// </summary>
    public virtual IReadOnlyDictionary<string, double> GetOptimGroupLearningRates() => new Dictionary<string, double>();

    /// <summary>The optimizers of a preset for this policy's parameter groups and their learning rates (VQ-BeT also sets per-group weight decay).</summary>
    public virtual OptimizerSet MakeOptimizers(OptimizerConfig preset) => preset.Build(GetOptimParams(), GetOptimGroupLearningRates());

    /// <summary>
    /// Loads pretrained weights for parts that have their own source (an ImageNet backbone named by
    /// pretrained_backbone_weights). Called for a new policy before training, not when a whole pretrained
    /// policy is loaded (its model.safetensors already holds those weights).
    /// </summary>
    public virtual void LoadPretrainedBackbones() { }

    /// <summary>Called after every optimizer step (e.g. an EMA target network); nothing by default.</summary>
    public virtual void Update() { }

    /// <summary>
    /// One optimization step. The default is forward, backward, clip and step every optimizer, then Update();
    /// policies with several losses (SAC) override it and draw more batches when they need them.
    /// </summary>
    public virtual Dictionary<string, double> TrainStep(Func<IReadOnlyDictionary<string, Tensor>> nextBatch, OptimizerSet optimizers, long step)
    {
        using var scope = torch.NewDisposeScope();
        train();
        foreach (var opt in optimizers.ByName.Values) opt.ZeroGrad();
        var (loss, info) = Forward(nextBatch());
        loss.backward();
        foreach (var (name, opt) in optimizers.ByName)
            info[optimizers.IsSingle ? "grad_norm" : $"{name}_grad_norm"] = opt.Step();
        Update();
        info["loss"] = loss.item<float>();
        return info;
    }

    public Dictionary<string, Tensor> StateDict() =>
        state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Writes config.json, model.safetensors and, when given, the two processor pipelines.</summary>
    /// <param name="weights">The tensors to write as model.safetensors instead of this policy's own (an EMA of them).</param>
    public void SavePretrained(string directory, ProcessorPipeline? preprocessor = null, ProcessorPipeline? postprocessor = null,
        IReadOnlyDictionary<string, Tensor>? weights = null)
    {
        Directory.CreateDirectory(directory);
        Config.Save(directory);
        TorchSafeTensors.Save(weights ?? StateDict(), Path.Combine(directory, ModelFileName), new Dictionary<string, string> { ["format"] = "pt" });
        preprocessor?.Save(directory);
        postprocessor?.Save(directory);
    }

    /// <summary>
    /// Maps tensors saved in an earlier key layout of this policy onto its current keys (or refuses them
    /// with a message saying how to convert the file); the default takes them as they are.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, Tensor> UpgradeStateDict(IReadOnlyDictionary<string, Tensor> tensors, string source) => tensors;

    /// <summary>
    /// Loads model.safetensors into this policy and returns everything the file holds; a missing or mis-shaped
    /// tensor is an error naming it, tensors the policy does not have (old normalization buffers) are left out.
    /// </summary>
    public Dictionary<string, Tensor> LoadWeights(string directory)
    {
        var path = Path.Combine(directory, ModelFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found; a pretrained policy folder holds config.json and model.safetensors", path);
        var tensors = TorchSafeTensors.Load(path);
        LoadStateDict(tensors, path);
        return tensors;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        tensors = UpgradeStateDict(tensors, source);
        var own = StateDict();
        var missing = own.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{source} lacks {missing.Count} tensors of this '{Config.Type}' policy, e.g. {string.Join(", ", missing.Take(5))}; was it saved with a different config?");
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in own)
        {
            var value = tensors[key];
            if (!value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: '{key}' has shape [{string.Join(", ", value.shape)}] but the policy expects [{string.Join(", ", target.shape)}]");
            target.copy_(value);
        }
    }
}
