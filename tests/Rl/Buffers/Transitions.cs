using RobotActors.Datasets.Images;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Buffers;

namespace RobotActors.Rl.Tests.Buffers;

/// <summary>Small hand-made transitions: a 2-D state and, when asked, one H×W RGB camera whose pixels encode an id.</summary>
public static class Transitions
{
    public const string Camera = "observation.images.front";

    /// <summary>A frame whose every byte depends on <paramref name="id"/> and the pixel, so frames are told apart byte for byte.</summary>
    public static ImageFrame Frame(int id, int size = 12)
    {
        var pixels = new byte[size * size * 3];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)((id * 37 + i * 11) % 251);
        return new ImageFrame(size, size, 3, pixels);
    }

    public static Observation Obs(int id, bool camera = true, int size = 12) => new(
        new Dictionary<string, float[]> { [PolicyKeys.ObservationState] = [id, -id] },
        camera ? new Dictionary<string, ImageFrame> { [Camera] = Frame(id, size) } : new Dictionary<string, ImageFrame>());

    /// <summary>The step from observation <paramref name="id"/> to <paramref name="nextId"/> with reward = id.</summary>
    public static Transition Step(int id, int nextId, bool done = false, bool truncated = false, bool camera = true, bool intervention = false, float penalty = 0) =>
        new(Obs(id, camera), [id / 10f, -id / 10f, id % 3], id, done, truncated, Obs(nextId, camera), penalty, intervention);

    /// <summary>An episode of <paramref name="length"/> steps over observations start, start+1, ...; its last step ends it as asked.</summary>
    public static IEnumerable<Transition> Episode(int start, int length, bool done = true, bool camera = true) =>
        Enumerable.Range(0, length).Select(i => Step(start + i, start + i + 1, done: done && i == length - 1, truncated: !done && i == length - 1, camera: camera));
}
