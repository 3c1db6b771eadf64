using RobotActors.Datasets.Format;

namespace RobotActors.Datasets.Tests;

public class DatasetPathsTests
{
    [Fact]
    public void Templates_fill_like_python_str_format()
    {
        Assert.Equal("data/chunk-002/file-017.parquet", DatasetPaths.Format(DatasetPaths.DefaultDataPath, 2, 17));
        Assert.Equal("videos/observation.images.top/chunk-000/file-003.mp4", DatasetPaths.Format(DatasetPaths.DefaultVideoPath, 0, 3, "observation.images.top"));
        Assert.Equal("data/chunk-001/episode_001234.parquet",
            DatasetPaths.Format("data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet", 1, 0, null, 1234));
        Assert.Throws<DatasetFormatException>(() => DatasetPaths.Format("data/{nope}.parquet", 0, 0));
    }

    [Fact]
    public void A_new_chunk_starts_after_chunks_size_files()
    {
        Assert.Equal((0, 1), DatasetPaths.Next(0, 0, 1000));
        Assert.Equal((1, 0), DatasetPaths.Next(0, 999, 1000));
        Assert.Equal((3, 0), DatasetPaths.Next(2, 1, 2));
    }
}

public class PolicyFeatureTests
{
    [Fact]
    public void Features_map_to_policy_feature_types_as_LeRobot_does()
    {
        var visual = FeatureSpec.Camera("observation.images.top", 96, 128).PolicyFeature!.Value;
        Assert.Equal("VISUAL", visual.Type);
        Assert.Equal([3, 96, 128], visual.Shape);
        Assert.Equal("ENV", FeatureSpec.Numeric("observation.environment_state", DTypes.Float32, [4]).PolicyFeature?.Type);
        Assert.Equal("STATE", FeatureSpec.Numeric("observation.state", DTypes.Float32, [6]).PolicyFeature?.Type);
        Assert.Equal("ACTION", FeatureSpec.Numeric("action", DTypes.Float32, [6]).PolicyFeature?.Type);
        Assert.Null(FeatureSpec.Numeric("next.reward", DTypes.Float32, [1]).PolicyFeature);
        Assert.Null(FeatureSpec.Numeric("index", DTypes.Int64, [1]).PolicyFeature);
    }
}
