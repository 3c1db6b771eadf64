using Akka.Actor;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Protocol.Wire;
using RobotActors.Actors.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Actors.Weights;
using RobotActors.Datasets.Images;

namespace RobotActors.Actors.Tests.Wire;

/// <summary>
/// The bytes of one message per family, fixed here: journals on disk and nodes of the same release depend on
/// them, so an accidental change of field order, width or encoding fails this test. A deliberate change is a
/// new manifest version (".v2"), with the old reader kept.
/// </summary>
public sealed class WireGoldenBytesTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 30, 0, TimeSpan.FromHours(1));
    private readonly ActorSystem _system = ActorSystem.Create("golden", ProtocolSerializer.Hocon);

    private static string Hex(object message) => Convert.ToHexString(WireFormat.Default.Write(message));

    private static StepRecord Step() => new(2, 5,
        new Observation(new Dictionary<string, float[]> { ["observation.state"] = [1.5f, -2f] },
            new Dictionary<string, ImageFrame> { ["observation.images.front"] = new(1, 2, 3, [1, 2, 3, 4, 5, 6]) }),
        [0.25f], 1f, true, false, true, -0.5f, 7, At, null);

    // Worked out by hand from the layout (little-endian; strings 7-bit-length-prefixed UTF-8; counts int32;
    // times as UTC ticks int64 + offset minutes int16), independently of the code under test.
    public static TheoryData<string, object, string> Golden() => new()
    {
        { "console", new RunCommand("motors", ["so101", "read"], At),
            "066D6F746F72730200000005736F3130310472656164005CBAAB8D4FDF083C00" },
        { "robot", new RobotCommandFailed("so101", "not ready"), "05736F313031096E6F74207265616479" },
        { "session", new StepsRecorded(40, [Step()]),
            "2800000000000000" + "01000000" + "02000000" + "05000000" +
            "01000000" + "116F62736572766174696F6E2E7374617465" + "02000000" + "0000C03F" + "000000C0" +
            "01000000" + "186F62736572766174696F6E2E696D616765732E66726F6E74" + "01000000" + "02000000" + "03000000" + "06000000" + "010203040506" +
            "01000000" + "0000803E" + "0000803F" + "01" + "00" + "01" + "000000BF" + "0700000000000000" + "005CBAAB8D4FDF08" + "3C00" + "00" },
        { "weights", new WeightsVersionGone(3, 9), "03000000000000000900000000000000" },
        { "inference", new RobotActors.Actors.Inference.InferenceFailed("a", 5, "b"), "0161" + "0500000000000000" + "0162" },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void One_message_per_family_keeps_its_exact_bytes(string family, object message, string hex)
    {
        Assert.True(WireFormat.Default.Knows(message.GetType()), family);
        Assert.Equal(hex, Hex(message));
    }

    [Fact]
    public void A_transition_batch_of_two_camera_steps_and_a_weights_chunk_of_three_megabytes_cross_whole()
    {
        var pixels = new byte[128 * 128 * 3];
        new Random(5).NextBytes(pixels);
        var image = new ImageFrame(128, 128, 3, pixels);
        var observation = new Observation(new Dictionary<string, float[]> { ["observation.state"] = new float[18] },
            new Dictionary<string, ImageFrame> { ["observation.images.front"] = image, ["observation.images.wrist"] = image });
        var steps = Enumerable.Range(0, 20).Select(i => Step() with { Index = i, Observation = observation }).ToList();
        var batch = new TransitionBatch("session-arm", 100, 12, steps);
        var bytes = WireFormat.Default.Write(batch);
        Assert.InRange(bytes.Length, 20 * 2 * pixels.Length, 20 * 2 * pixels.Length + 20 * 400); // frames as raw bytes, little else
        var back = (TransitionBatch)WireFormat.Default.Read(bytes, "ra.transitions.batch.v1", (ExtendedActorSystem)_system);
        Assert.Equal(20, back.Steps.Count);
        Assert.Equal(pixels, back.Steps[19].Observation.Images["observation.images.wrist"].Pixels);

        var payload = new byte[3 << 20];
        new Random(6).NextBytes(payload);
        var chunk = (WeightsChunk)WireFormat.Default.Read(WireFormat.Default.Write(new WeightsChunk(9, 2, payload)), "ra.weights.chunk.v1");
        Assert.Equal(payload, chunk.Bytes);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
