using RobotActors.Policies.Configs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// n_obs_steps observations: the state (B, T, D), each camera (B, T, C, H, W) in image_features order, and
/// the environment state (B, T, E) when the policy has one.
/// </summary>
public sealed record ObservationWindow(Tensor State, IReadOnlyList<Tensor> Cameras, Tensor? EnvState);

/// <summary>
/// Diffusion Policy's network and sampling (LeRobot's DiffusionModel): observation features per step
/// (state, camera keypoint features, env state) flattened over the window condition a U-Net that learns to
/// predict the noise (or the clean trajectory) added to an action trajectory of horizon steps.
/// </summary>
public sealed class DiffusionModel : nn.Module
{
    private readonly DiffusionConfig _config;
    private readonly DiffusionRgbEncoder? _sharedEncoder;
    private readonly ModuleList<DiffusionRgbEncoder>? _encoders;
    private readonly ConditionalUnet1d _unet;
    private readonly int _cameras;
    private readonly long _actionDim;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public DiffusionModel(DiffusionConfig config) : base("diffusion")
    {
        _config = config;
        _actionDim = config.ActionFeature!.Shape[0];
        _cameras = config.ImageKeysInOrder.Count;
        long perStep = config.RobotStateFeature!.Value.Value.Shape[0];
        if (_cameras > 0)
        {
            if (config.UseSeparateRgbEncoderPerCamera)
            {
                _encoders = new ModuleList<DiffusionRgbEncoder>();
                for (var i = 0; i < _cameras; i++) _encoders.Add(new DiffusionRgbEncoder(config));
                register_module("rgb_encoder", _encoders);
                perStep += _encoders[0].FeatureDim * _cameras;
            }
            else
            {
                _sharedEncoder = new DiffusionRgbEncoder(config);
                register_module("rgb_encoder", _sharedEncoder);
                perStep += _sharedEncoder.FeatureDim * _cameras;
            }
        }
        if (config.EnvStateFeature is { } env) perStep += env.Value.Shape[0];
        _unet = new ConditionalUnet1d(config, perStep * config.NObsSteps, _actionDim);
        register_module("unet", _unet);
        NoiseScheduler = config.NoiseSchedulerType == "DDIM"
            ? new DdimScheduler(config.NumTrainTimesteps, config.BetaSchedule, config.BetaStart, config.BetaEnd, config.PredictionType, config.ClipSample, config.ClipSampleRange)
            : new DdpmScheduler(config.NumTrainTimesteps, config.BetaSchedule, config.BetaStart, config.BetaEnd, config.PredictionType, config.ClipSample, config.ClipSampleRange);
    }

    public NoiseScheduler NoiseScheduler { get; }

    public ConditionalUnet1d Unet => _unet;

    public IEnumerable<DiffusionRgbEncoder> Encoders => _encoders ?? (_sharedEncoder is null ? [] : [_sharedEncoder]);

    /// <summary>(B, global_cond_dim): per step [state, camera 0 .. N-1 features, env state], steps concatenated.</summary>
    public Tensor GlobalConditioning(ObservationWindow window)
    {
        using var scope = torch.NewDisposeScope();
        var (b, t) = (window.State.shape[0], window.State.shape[1]);
        var parts = new List<Tensor> { window.State };
        for (var i = 0; i < window.Cameras.Count; i++)
        {
            var images = window.Cameras[i];
            var encoder = _encoders is not null ? _encoders[i] : _sharedEncoder!;
            var features = encoder.forward(images.reshape([b * t, .. images.shape.Skip(2)]));
            parts.Add(features.reshape(b, t, -1));
        }
        if (window.EnvState is not null) parts.Add(window.EnvState);
        return torch.cat(parts, -1).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Samples a trajectory from noise and returns its n_action_steps actions from the current step: (B, n_action_steps, A).
    /// The trajectory's step 0 is n_obs_steps-1 steps in the past (the action delta indices start at 1 - n_obs_steps),
    /// so the current step is index n_obs_steps-1.
    /// </summary>
    public Tensor GenerateActions(ObservationWindow window, Tensor? noise = null)
    {
        using var scope = torch.NewDisposeScope();
        var start = _config.NObsSteps - 1;
        return SampleTrajectory(window, noise)[.., start..(start + _config.NActionSteps)].MoveToOuterDisposeScope();
    }

    /// <summary>The whole denoised trajectory, (B, horizon, A), from <paramref name="noise"/> or fresh Gaussian noise.</summary>
    public Tensor SampleTrajectory(ObservationWindow window, Tensor? noise = null)
    {
        using var scope = torch.NewDisposeScope();
        var b = window.State.shape[0];
        var cond = GlobalConditioning(window);
        var sample = noise ?? torch.randn(b, _config.Horizon, _actionDim, device: cond.device);
        NoiseScheduler.SetTimesteps(_config.NumInferenceSteps ?? NoiseScheduler.TrainTimesteps);
        foreach (var t in NoiseScheduler.Timesteps)
        {
            using var step = torch.NewDisposeScope();
            var output = _unet.forward(sample, torch.full(b, t, dtype: int64, device: cond.device), cond);
            sample = NoiseScheduler.Step(output, t, sample).MoveToOuterDisposeScope();
        }
        return sample.MoveToOuterDisposeScope();
    }

    /// <summary>The denoising loss on a (B, horizon, A) action trajectory; padded steps are masked when do_mask_loss_for_padding.</summary>
    public Tensor ComputeLoss(ObservationWindow window, Tensor trajectory, Tensor? actionIsPad)
    {
        using var scope = torch.NewDisposeScope();
        if (trajectory.shape[1] != _config.Horizon)
            throw new ArgumentException($"the action trajectory has {trajectory.shape[1]} steps but horizon={_config.Horizon}; read actions with the policy's action_delta_indices");
        if (window.State.shape[1] != _config.NObsSteps)
            throw new ArgumentException($"the observation window has {window.State.shape[1]} steps but n_obs_steps={_config.NObsSteps}");
        var cond = GlobalConditioning(window);
        var eps = torch.randn_like(trajectory);
        var timesteps = torch.randint(0, NoiseScheduler.TrainTimesteps, [trajectory.shape[0]], dtype: int64, device: trajectory.device);
        var noisy = NoiseScheduler.AddNoise(trajectory, eps, timesteps);
        var prediction = _unet.forward(noisy, timesteps, cond);
        var target = _config.PredictionType == "epsilon" ? eps : trajectory;
        var loss = nn.functional.mse_loss(prediction, target, reduction: nn.Reduction.None);
        if (!_config.DoMaskLossForPadding) return loss.mean().MoveToOuterDisposeScope();
        if (actionIsPad is null)
            throw new ArgumentException($"do_mask_loss_for_padding=true needs '{PolicyKeys.Action}{PolicyKeys.PadSuffix}' in the batch");
        var mask = (~actionIsPad.to(ScalarType.Bool)).unsqueeze(-1).to(loss.dtype);
        var valid = (mask.sum() * loss.shape[^1]).clamp_min(1);
        return ((loss * mask).sum() / valid).MoveToOuterDisposeScope();
    }
}
