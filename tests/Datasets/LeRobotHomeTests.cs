using RobotActors.Datasets.Format;

namespace RobotActors.Datasets.Tests;

/// <summary>Issue 12.7: --dataset.repo_id alone resolves as LeRobot's does. Changes process environment variables, so not parallel.</summary>
[Collection("environment")]
public class LeRobotHomeTests
{
    private static T WithEnvironment<T>(string? lerobotHome, string? hfHome, Func<T> body)
    {
        var (a, b) = (Environment.GetEnvironmentVariable("HF_LEROBOT_HOME"), Environment.GetEnvironmentVariable("HF_HOME"));
        Environment.SetEnvironmentVariable("HF_LEROBOT_HOME", lerobotHome);
        Environment.SetEnvironmentVariable("HF_HOME", hfHome);
        try { return body(); }
        finally
        {
            Environment.SetEnvironmentVariable("HF_LEROBOT_HOME", a);
            Environment.SetEnvironmentVariable("HF_HOME", b);
        }
    }

    [Fact]
    public void The_home_is_HF_LEROBOT_HOME_else_HF_HOME_lerobot_else_the_huggingface_cache()
    {
        Assert.Equal("/data/lr", WithEnvironment("/data/lr", "/data/hf", LeRobotHome.Root));
        Assert.Equal("/data/hf/lerobot", WithEnvironment(null, "/data/hf", LeRobotHome.Root));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "lerobot"), WithEnvironment(null, null, LeRobotHome.Root));
        Assert.Equal("/data/lr/lerobot/pusht", WithEnvironment("/data/lr", null, () => LeRobotHome.DatasetRoot("lerobot/pusht")));
    }

    [Fact]
    public void A_repo_id_resolves_to_its_folder_and_anything_else_says_what_to_pass()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "me", "tiny", "meta"));
        File.WriteAllText(Path.Combine(dir.Path, "me", "tiny", DatasetPaths.InfoPath), "{}");
        Assert.Equal(Path.Combine(dir.Path, "me", "tiny"), WithEnvironment(dir.Path, null, () => LeRobotHome.ResolveDatasetRoot(null, "me/tiny")));
        Assert.Equal("/given", WithEnvironment(dir.Path, null, () => LeRobotHome.ResolveDatasetRoot("/given", "me/tiny")));

        var missing = Assert.Throws<ArgumentException>(() => WithEnvironment(dir.Path, null, () => LeRobotHome.ResolveDatasetRoot(null, "me/other")));
        Assert.Contains($"dataset 'me/other' is not at {Path.Combine(dir.Path, "me", "other")}", missing.Message);
        Assert.Contains("--dataset.root", missing.Message);
        Assert.Contains("--dataset.repo_id", Assert.Throws<ArgumentException>(() => LeRobotHome.ResolveDatasetRoot(null, null)).Message);
        Assert.Throws<ArgumentException>(() => LeRobotHome.DatasetRoot("../etc"));
        Assert.Throws<ArgumentException>(() => LeRobotHome.DatasetRoot("/abs/path"));
    }
}
