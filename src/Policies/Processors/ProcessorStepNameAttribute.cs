namespace RobotActors.Policies.Processors;

/// <summary>The registry name a step is saved under, e.g. "normalizer_processor".</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProcessorStepNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
