namespace RobotActors.Policies.Tests.Layout;

/// <summary>
/// The state-dict entries PyTorch and torchvision modules produce, written from their documented layouts
/// (torch.nn and torchvision.models.resnet), to build the key lists LeRobot's policies have. Independent of
/// this project's modules: a layout test compares our state dicts against these lists.
/// </summary>
internal sealed class TorchKeys
{
    public SortedDictionary<string, long[]> Shapes { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys of int64 tensors (BatchNorm's num_batches_tracked); all others are float32.</summary>
    public HashSet<string> Int64 { get; } = new(StringComparer.Ordinal);

    public TorchKeys Add(string key, params long[] shape)
    {
        Shapes.Add(key, shape);
        return this;
    }

    /// <summary>nn.Linear: weight (out, in), bias (out).</summary>
    public TorchKeys Linear(string p, long input, long output) => Add($"{p}.weight", output, input).Add($"{p}.bias", output);

    public TorchKeys LayerNorm(string p, long d) => Add($"{p}.weight", d).Add($"{p}.bias", d);

    public TorchKeys GroupNorm(string p, long c) => Add($"{p}.weight", c).Add($"{p}.bias", c);

    public TorchKeys Embedding(string p, long n, long d) => Add($"{p}.weight", n, d);

    /// <summary>nn.MultiheadAttention with equal q/k/v sizes: packed in_proj_weight (3E, E), in_proj_bias (3E), out_proj.</summary>
    public TorchKeys MultiheadAttention(string p, long e) =>
        Add($"{p}.in_proj_weight", 3 * e, e).Add($"{p}.in_proj_bias", 3 * e).Linear($"{p}.out_proj", e, e);

    public TorchKeys Conv2d(string p, long input, long output, long k, bool bias = true)
    {
        Add($"{p}.weight", output, input, k, k);
        return bias ? Add($"{p}.bias", output) : this;
    }

    public TorchKeys Conv1d(string p, long input, long output, long k) => Add($"{p}.weight", output, input, k).Add($"{p}.bias", output);

    /// <summary>nn.ConvTranspose1d: weight (in, out, k).</summary>
    public TorchKeys ConvTranspose1d(string p, long input, long output, long k) => Add($"{p}.weight", input, output, k).Add($"{p}.bias", output);

    /// <summary>torchvision.ops.FrozenBatchNorm2d: four buffers, no num_batches_tracked.</summary>
    public TorchKeys FrozenBatchNorm(string p, long c) =>
        Add($"{p}.weight", c).Add($"{p}.bias", c).Add($"{p}.running_mean", c).Add($"{p}.running_var", c);

    /// <summary>nn.BatchNorm2d: affine parameters, running statistics and a 0-d int64 num_batches_tracked.</summary>
    public TorchKeys BatchNorm(string p, long c)
    {
        FrozenBatchNorm(p, c).Add($"{p}.num_batches_tracked");
        Int64.Add($"{p}.num_batches_tracked");
        return this;
    }

    /// <summary>
    /// torchvision resnet18 without avgpool and fc. <paramref name="sequential"/> names the children by
    /// position as nn.Sequential(*list(resnet.children())[:-2]) does (conv1=0, bn1=1, layer1..4=4..7);
    /// otherwise by attribute, as IntermediateLayerGetter keeps them.
    /// </summary>
    public TorchKeys ResNet18(string p, Func<TorchKeys, string, long, TorchKeys> norm, bool sequential)
    {
        string Child(string name) => !sequential ? $"{p}.{name}"
            : $"{p}.{name switch { "conv1" => "0", "bn1" => "1", _ => (name[^1] - '0' + 3).ToString() }}";
        Conv2d(Child("conv1"), 3, 64, 7, bias: false);
        norm(this, Child("bn1"), 64);
        long input = 64;
        var widths = new long[] { 64, 128, 256, 512 };
        for (var s = 0; s < 4; s++)
            for (var b = 0; b < 2; b++)
            {
                var block = $"{Child($"layer{s + 1}")}.{b}";
                Conv2d($"{block}.conv1", input, widths[s], 3, bias: false);
                norm(this, $"{block}.bn1", widths[s]);
                Conv2d($"{block}.conv2", widths[s], widths[s], 3, bias: false);
                norm(this, $"{block}.bn2", widths[s]);
                if (b == 0 && s > 0)
                {
                    Conv2d($"{block}.downsample.0", input, widths[s], 1, bias: false);
                    norm(this, $"{block}.downsample.1", widths[s]);
                }
                input = widths[s];
            }
        return this;
    }
}
