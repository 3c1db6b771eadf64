namespace RobotActors.Policies.Configs;

/// <summary>Registers a config class under the name users pass as --policy.type (LeRobot's register_subclass).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PolicyTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>One line for `robotactors policies list`: what the policy is and what it is for.</summary>
    public string? Description { get; init; }
}
