using RobotActors.Actors.Protocol;
using RobotActors.Datasets.Images;

namespace RobotActors.Actors.Tests.Session;

/// <summary>Steps as a control loop would send them: state, optional camera frames whose bytes depend on the step.</summary>
internal static class SessionSteps
{
    public static ImageFrame Frame(int height, int width, int seed)
    {
        var pixels = new byte[height * width * 3];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 + seed * 13);
        return new ImageFrame(height, width, 3, pixels);
    }

    public static Observation Observation(int seed, int imageSize = 0, int cameras = 0) => new(
        new Dictionary<string, float[]>
        {
            ["observation.state"] = [seed, seed * 0.5f, -seed, 1, 2, 3],
            ["observation.environment_state"] = [seed * 0.01f, 0.02f, 0.03f],
        },
        Enumerable.Range(0, cameras).ToDictionary(c => $"observation.images.{(c == 0 ? "front" : "wrist")}", c => Frame(imageSize, imageSize, seed + c)));

    public static StepRecord Step(int episode, int index, bool intervention = false, float reward = 0, bool done = false, bool truncated = false,
        int imageSize = 0, int cameras = 0, long policyVersion = 0) => new(
        episode, index, Observation(episode * 1000 + index, imageSize, cameras), [index * 0.1f, -0.2f, 0.3f, 1f], reward, done, truncated,
        intervention, intervention ? -0.02f : 0f, policyVersion, DateTimeOffset.UtcNow,
        done || truncated ? Observation(episode * 1000 + index + 1, imageSize, cameras) : null);
}
