namespace RobotActors.Policies.Networks.Transformer;

/// <summary>The sizes shared by every layer of a DETR-style transformer (ACT's; VQ-BeT and others reuse it).</summary>
/// <param name="Activation">The feed-forward activation: "relu", "gelu" or "glu".</param>
/// <param name="PreNorm">Layer norm before each sub-block (true) or after the residual sum (false, the original ACT).</param>
public sealed record TransformerSettings(long DimModel, long Heads, long DimFeedforward, double Dropout, string Activation, bool PreNorm)
{
    public static readonly IReadOnlyList<string> Activations = ["relu", "gelu", "glu"];
}
