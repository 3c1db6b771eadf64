using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Processors;

public class ProcessorPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, PolicyFeature> Features = new()
    {
        [PolicyKeys.ObservationState] = new(FeatureType.State, [2]),
        ["observation.images.top"] = new(FeatureType.Visual, [3, 2, 2]),
        ["observation.environment_state"] = new(FeatureType.Env, [2]),
        [PolicyKeys.Action] = new(FeatureType.Action, [2]),
    };

    private static DatasetStats Stats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "mean", [1, -2]).Set(PolicyKeys.ObservationState, "std", [2, 0])
        .Set("observation.images.top", "mean", [0.5f, 0.5f, 0.5f]).Set("observation.images.top", "std", [0.25f, 0.25f, 0.25f])
        .Set("observation.environment_state", "q01", [0, 10]).Set("observation.environment_state", "q99", [4, 10])
        .Set(PolicyKeys.Action, "min", [-2, 0]).Set(PolicyKeys.Action, "max", [2, 10]);

    private static Dictionary<FeatureType, NormalizationMode> NormMap => new()
    {
        [FeatureType.State] = NormalizationMode.MeanStd,
        [FeatureType.Visual] = NormalizationMode.MeanStd,
        [FeatureType.Env] = NormalizationMode.Quantiles,
        [FeatureType.Action] = NormalizationMode.MinMax,
    };

    [Fact]
    public void The_normalizer_applies_LeRobot_formulas_including_the_eps_only_on_the_forward_side()
    {
        var step = new NormalizerProcessorStep(Features, NormMap, Stats());
        var t = step.Process(new EnvTransition
        {
            Observation =
            {
                [PolicyKeys.ObservationState] = torch.tensor(new float[] { 3, -2 }),
                ["observation.images.top"] = torch.full(3, 2, 2, 0.75f),
                ["observation.environment_state"] = torch.tensor(new float[] { 1, 10 }),
            },
            Action = torch.tensor(new float[] { 1, 5 }),
        });

        var state = t.Observation[PolicyKeys.ObservationState].data<float>().ToArray();
        Assert.Equal((3f - 1) / (2 + 1e-8f), state[0], 5);
        Assert.Equal(0f, state[1]); // std 0: (x - mean) / eps with x == mean
        Assert.All(t.Observation["observation.images.top"].data<float>().ToArray(), v => Assert.Equal(1f, v, 5));
        var env = t.Observation["observation.environment_state"].data<float>().ToArray();
        Assert.Equal(2 * (1f - 0) / 4 - 1, env[0], 5);
        Assert.Equal(-1f, env[1], 5); // q99 == q01: the range becomes eps
        Assert.Equal(new[] { 0.5f, 0f }, t.Action!.data<float>().ToArray());

        var un = new UnnormalizerProcessorStep(new Dictionary<string, PolicyFeature> { [PolicyKeys.Action] = Features[PolicyKeys.Action] }, NormMap, Stats());
        Assert.Equal(new[] { 1f, 5f }, un.Process(new EnvTransition { Action = t.Action }).Action!.data<float>().ToArray());

        // The inverse MEAN_STD has no eps: x*std + mean exactly.
        var unState = new UnnormalizerProcessorStep(Features, NormMap, Stats());
        var back = unState.Process(new EnvTransition { Observation = { [PolicyKeys.ObservationState] = torch.tensor(new float[] { 1, 7 }) } });
        Assert.Equal(new[] { 3f, -2f }, back.Observation[PolicyKeys.ObservationState].data<float>().ToArray());
    }

    [Fact]
    public void Missing_statistics_are_reported_with_the_feature_and_the_fix()
    {
        var step = new NormalizerProcessorStep(Features, NormMap, new DatasetStats());
        var e = Assert.Throws<InvalidOperationException>(() =>
            step.Process(new EnvTransition { Observation = { [PolicyKeys.ObservationState] = torch.zeros(2) } }));
        Assert.Contains("observation.state", e.Message);
        Assert.Contains("IDENTITY", e.Message);
    }

    [Fact]
    public void A_pipeline_saves_in_LeRobot_file_names_and_loads_back_with_the_same_behaviour()
    {
        var pre = new ProcessorPipeline(ProcessorPipeline.PreprocessorName, new IProcessorStep[]
        {
            new RenameObservationsProcessorStep(new Dictionary<string, string> { ["observation.images.front"] = "observation.images.top" }),
            new AddBatchDimensionProcessorStep(),
            new DeviceProcessorStep("cpu"),
            new NormalizerProcessorStep(Features, NormMap, Stats()),
        });
        pre.Save(_dir);

        Assert.True(File.Exists(Path.Combine(_dir, "policy_preprocessor.json")));
        var stateFile = Path.Combine(_dir, "policy_preprocessor_step_3_normalizer_processor.safetensors");
        Assert.True(File.Exists(stateFile));
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
        var saved = SafeTensorsFile.Read(stateFile);
        Assert.Contains("observation.state.mean", saved.Tensors.Keys);
        Assert.Equal(new long[] { 3, 1, 1 }, saved.Tensors["observation.images.top.std"].Shape);
        Assert.Equal("F32", saved.Tensors["action.max"].DType);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "policy_preprocessor.json")))!;
        Assert.Equal("policy_preprocessor", json["name"]!.GetValue<string>());
        Assert.Equal(new[] { "rename_observations_processor", "to_batch_processor", "device_processor", "normalizer_processor" },
            json["steps"]!.AsArray().Select(s => s!["registry_name"]!.GetValue<string>()));
        Assert.Equal("MEAN_STD", json["steps"]![3]!["config"]!["norm_map"]!["STATE"]!.GetValue<string>());

        var loaded = ProcessorPipeline.Load(_dir, "policy_preprocessor.json");
        var raw = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.tensor(new float[] { 5, 1 }),
            ["observation.images.front"] = torch.rand(3, 2, 2),
            [PolicyKeys.Action] = torch.tensor(new float[] { 0, 2 }),
        };
        var a = pre.ProcessBatch(raw);
        var b = loaded.ProcessBatch(raw);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Contains("observation.images.top", b.Keys);
        Assert.Equal(new long[] { 1, 3, 2, 2 }, b["observation.images.top"].shape);
        foreach (var key in a.Keys)
            Assert.Equal(a[key].data<float>().ToArray(), b[key].data<float>().ToArray());
    }

    [Fact]
    public void Overrides_replace_saved_config_and_an_override_for_no_step_is_an_error()
    {
        new ProcessorPipeline("policy_postprocessor", new IProcessorStep[] { new DeviceProcessorStep("cpu") }).Save(_dir);
        var loaded = ProcessorPipeline.Load(_dir, "policy_postprocessor.json",
            new Dictionary<string, JsonObject> { ["device_processor"] = new() { ["float_dtype"] = "float64" } });
        Assert.Equal(ScalarType.Float64, loaded.ProcessAction(torch.zeros(2)).dtype);

        var e = Assert.Throws<KeyNotFoundException>(() => ProcessorPipeline.Load(_dir, "policy_postprocessor.json",
            new Dictionary<string, JsonObject> { ["normalizer_processor"] = new() }));
        Assert.Contains("normalizer_processor", e.Message);
    }

    [Fact]
    public void Feature_shapes_propagate_through_the_rename_step()
    {
        var pipeline = new ProcessorPipeline("p", new IProcessorStep[]
        {
            new RenameObservationsProcessorStep(new Dictionary<string, string> { ["observation.images.front"] = "observation.images.top" }),
            new AddBatchDimensionProcessorStep(),
        });
        var result = pipeline.TransformFeatures(new()
        {
            [PipelineFeatureType.Observation] = new() { ["observation.images.front"] = new(FeatureType.Visual, [3, 64, 64]) },
            [PipelineFeatureType.Action] = new() { [PolicyKeys.Action] = new(FeatureType.Action, [4]) },
        });
        Assert.Equal(new[] { 3, 64, 64 }, result[PipelineFeatureType.Observation]["observation.images.top"].Shape);
        Assert.False(result[PipelineFeatureType.Observation].ContainsKey("observation.images.front"));
        Assert.Equal(new[] { 4 }, result[PipelineFeatureType.Action][PolicyKeys.Action].Shape);
    }
}
