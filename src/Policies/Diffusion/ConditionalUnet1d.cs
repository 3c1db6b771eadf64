using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// Diffusion Policy's 1-D temporal U-Net over an action trajectory (LeRobot's DiffusionConditionalUnet1d):
/// down stages of two FiLM residual blocks and a stride-2 convolution (none after the last), two middle
/// blocks, up stages that take the matching down stage's output as a skip connection and a stride-2
/// transposed convolution, then a final conv block and a 1×1 projection to the action dimension. Every block
/// is conditioned on the diffusion-step embedding concatenated with the observation features.
/// </summary>
public sealed class ConditionalUnet1d : nn.Module
{
    private readonly Sequential _stepEncoder;
    private readonly ModuleList<ModuleList<nn.Module>> _down = new();
    private readonly ModuleList<ConditionalResidualBlock1d> _mid = new();
    private readonly ModuleList<ModuleList<nn.Module>> _up = new();
    private readonly Sequential _finalConv;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public ConditionalUnet1d(DiffusionConfig config, long globalCondDim, long actionDim) : base("unet")
    {
        var e = config.DiffusionStepEmbedDim;
        _stepEncoder = nn.Sequential(new SinusoidalPosEmb(e), nn.Linear(e, e * 4), nn.Mish(), nn.Linear(e * 4, e));
        register_module("diffusion_step_encoder", _stepEncoder);
        var condDim = e + globalCondDim;
        var dims = config.DownDims;
        var inOut = new List<(long In, long Out)> { (actionDim, dims[0]) };
        for (var i = 0; i + 1 < dims.Length; i++) inOut.Add((dims[i], dims[i + 1]));
        ConditionalResidualBlock1d Block(long i, long o) => new(i, o, condDim, config.KernelSize, config.NGroups, config.UseFilmScaleModulation);

        for (var i = 0; i < inOut.Count; i++)
        {
            var (dimIn, dimOut) = inOut[i];
            var last = i >= inOut.Count - 1;
            _down.Add(new ModuleList<nn.Module>(Block(dimIn, dimOut), Block(dimOut, dimOut),
                last ? nn.Identity() : nn.Conv1d(dimOut, dimOut, 3, stride: 2, padding: 1)));
        }
        _mid.Add(Block(dims[^1], dims[^1]));
        _mid.Add(Block(dims[^1], dims[^1]));
        var reversed = inOut.Skip(1).Reverse().ToList();
        for (var i = 0; i < reversed.Count; i++)
        {
            var (dimOut, dimIn) = reversed[i];
            var last = i >= inOut.Count - 1;
            _up.Add(new ModuleList<nn.Module>(Block(dimIn * 2, dimOut), Block(dimOut, dimOut),
                last ? nn.Identity() : nn.ConvTranspose1d(dimOut, dimOut, 4, stride: 2, padding: 1)));
        }
        _finalConv = nn.Sequential(new Conv1dBlock(dims[0], dims[0], config.KernelSize, config.NGroups), nn.Conv1d(dims[0], actionDim, 1));
        register_module("down_modules", _down);
        register_module("mid_modules", _mid);
        register_module("up_modules", _up);
        register_module("final_conv", _finalConv);
    }

    /// <param name="x">(B, T, action_dim) noisy trajectory.</param>
    /// <param name="timesteps">(B,) diffusion timesteps.</param>
    /// <param name="globalCond">(B, global_cond_dim) observation features.</param>
    /// <returns>(B, T, action_dim): the predicted noise or clean trajectory.</returns>
    public Tensor forward(Tensor x, Tensor timesteps, Tensor globalCond)
    {
        using var scope = torch.NewDisposeScope();
        x = x.transpose(1, 2);
        var cond = torch.cat([_stepEncoder.forward(timesteps), globalCond], -1);
        var skips = new Stack<Tensor>();
        foreach (var stage in _down)
        {
            x = ((ConditionalResidualBlock1d)stage[0]).forward(x, cond);
            x = ((ConditionalResidualBlock1d)stage[1]).forward(x, cond);
            skips.Push(x);
            x = ((nn.Module<Tensor, Tensor>)stage[2]).forward(x);
        }
        foreach (var block in _mid) x = block.forward(x, cond);
        foreach (var stage in _up)
        {
            x = torch.cat([x, skips.Pop()], 1);
            x = ((ConditionalResidualBlock1d)stage[0]).forward(x, cond);
            x = ((ConditionalResidualBlock1d)stage[1]).forward(x, cond);
            x = ((nn.Module<Tensor, Tensor>)stage[2]).forward(x);
        }
        return _finalConv.forward(x).transpose(1, 2).MoveToOuterDisposeScope();
    }
}

/// <summary>Sinusoidal embedding of the diffusion timestep: [sin(t·fᵢ), cos(t·fᵢ)] with fᵢ = 10000^(-i/(d/2-1)).</summary>
internal sealed class SinusoidalPosEmb(long dim) : nn.Module<Tensor, Tensor>("sinusoidal_pos_emb")
{
    public override Tensor forward(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var half = dim / 2;
        var scale = Math.Log(10000) / (half - 1);
        var frequencies = torch.exp(torch.arange(half, dtype: float32, device: t.device) * -scale);
        var angles = t.to(float32).unsqueeze(-1) * frequencies.unsqueeze(0);
        return torch.cat([angles.sin(), angles.cos()], -1).MoveToOuterDisposeScope();
    }
}

/// <summary>Conv1d → GroupNorm → Mish ("block.0", "block.1").</summary>
internal sealed class Conv1dBlock : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _block;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public Conv1dBlock(long input, long output, long kernelSize, long groups) : base("conv1d_block")
    {
        _block = nn.Sequential(nn.Conv1d(input, output, kernelSize, padding: kernelSize / 2), Networks.Norms.GroupNorm(groups, output), nn.Mish());
        register_module("block", _block);
    }

    public override Tensor forward(Tensor x) => _block.forward(x);
}

/// <summary>
/// Two conv blocks with FiLM conditioning between them (Perez et al.): the condition gives a per-channel bias,
/// and with scale modulation a per-channel scale too; a 1×1 convolution matches the residual when the
/// channel count changes.
/// </summary>
internal sealed class ConditionalResidualBlock1d : nn.Module
{
    private readonly Conv1dBlock _conv1;
    private readonly Conv1dBlock _conv2;
    private readonly Sequential _condEncoder;
    private readonly nn.Module<Tensor, Tensor> _residual;
    private readonly long _out;
    private readonly bool _scale;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public ConditionalResidualBlock1d(long input, long output, long condDim, long kernelSize, long groups, bool filmScale) : base("residual_block")
    {
        _out = output;
        _scale = filmScale;
        _conv1 = new Conv1dBlock(input, output, kernelSize, groups);
        _condEncoder = nn.Sequential(nn.Mish(), nn.Linear(condDim, filmScale ? output * 2 : output));
        _conv2 = new Conv1dBlock(output, output, kernelSize, groups);
        _residual = input != output ? nn.Conv1d(input, output, 1) : nn.Identity();
        register_module("conv1", _conv1);
        register_module("cond_encoder", _condEncoder);
        register_module("conv2", _conv2);
        register_module("residual_conv", _residual);
    }

    public Tensor forward(Tensor x, Tensor cond)
    {
        using var scope = torch.NewDisposeScope();
        var h = _conv1.forward(x);
        var film = _condEncoder.forward(cond).unsqueeze(-1);
        h = _scale ? film[.., ..(int)_out] * h + film[.., (int)_out..] : h + film;
        return (_conv2.forward(h) + _residual.forward(x)).MoveToOuterDisposeScope();
    }
}
