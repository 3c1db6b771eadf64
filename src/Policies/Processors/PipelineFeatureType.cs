namespace RobotActors.Policies.Processors;

/// <summary>The two feature groups a step's feature transform sees.</summary>
public enum PipelineFeatureType
{
    Action,
    Observation,
}
