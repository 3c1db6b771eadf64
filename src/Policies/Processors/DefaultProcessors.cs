using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Processors;

/// <summary>LeRobot's default policy pipelines: pre = rename, batch, device, normalize; post = unnormalize, cpu.</summary>
public static class DefaultProcessors
{
    public static (ProcessorPipeline Pre, ProcessorPipeline Post) Make(PreTrainedConfig config, DatasetStats? stats)
    {
        var normMap = config.NormalizationMapping.ToDictionary(
            kv => JsonFeatureType(kv.Key), kv => kv.Value);
        var all = config.InputFeatures.Concat(config.OutputFeatures).ToDictionary(kv => kv.Key, kv => kv.Value);
        var pre = new ProcessorPipeline(ProcessorPipeline.PreprocessorName, new IProcessorStep[]
        {
            new RenameObservationsProcessorStep(),
            new AddBatchDimensionProcessorStep(),
            new DeviceProcessorStep(config.Device ?? "cpu"),
            new NormalizerProcessorStep(all, normMap, stats),
        });
        var post = new ProcessorPipeline(ProcessorPipeline.PostprocessorName, new IProcessorStep[]
        {
            new UnnormalizerProcessorStep(config.OutputFeatures, normMap, stats),
            new DeviceProcessorStep("cpu"),
        });
        return (pre, post);
    }

    private static FeatureType JsonFeatureType(string name) =>
        Enum.GetValues<FeatureType>().FirstOrDefault(t => t.ToLeRobot() == name, FeatureType.Language) is var t && t.ToLeRobot() == name
            ? t
            : throw new PolicyConfigException($"normalization_mapping key '{name}' is not a feature type (VISUAL, STATE, ENV, ACTION)");
}
