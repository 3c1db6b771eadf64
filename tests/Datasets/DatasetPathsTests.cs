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
