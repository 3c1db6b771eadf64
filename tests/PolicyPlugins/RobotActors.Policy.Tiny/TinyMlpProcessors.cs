using RobotActors.Policies.Processors;

namespace RobotActors.Policy.Tiny;

/// <summary>Found by convention: the default pipelines, with the plugin's own clip step ending the postprocessor.</summary>
public static class TinyMlpProcessors
{
    public static (ProcessorPipeline Pre, ProcessorPipeline Post) Make(TinyMlpConfig config, DatasetStats? stats)
    {
        var (pre, post) = DefaultProcessors.Make(config, stats);
        post.Steps.Add(new ActionClipProcessorStep(config.ActionLimit));
        return (pre, post);
    }
}
