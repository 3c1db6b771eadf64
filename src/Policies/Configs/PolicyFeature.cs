namespace RobotActors.Policies.Configs;

/// <summary>A policy input or output: its type and shape (images channel-first, C×H×W).</summary>
public sealed record PolicyFeature(FeatureType Type, int[] Shape)
{
    public long Size => Shape.Aggregate(1L, (a, b) => a * b);

    public override string ToString() => $"{Type.ToLeRobot()}[{string.Join(", ", Shape)}]";

    public bool Equals(PolicyFeature? other) => other is not null && other.Type == Type && other.Shape.SequenceEqual(Shape);

    public override int GetHashCode() => HashCode.Combine(Type, Shape.Length);
}
