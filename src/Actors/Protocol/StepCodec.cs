using RobotActors.Actors.Protocol.Wire;
using RobotActors.Datasets.Images;

namespace RobotActors.Actors.Protocol;

/// <summary>The binary layout of a step, shared by the session journal and the transition feed: frames as raw bytes.</summary>
public static class StepCodec
{
    public static void Write(WireWriter w, StepRecord s)
    {
        w.Int(s.Episode);
        w.Int(s.Index);
        WriteObservation(w, s.Observation);
        w.Floats(s.Action);
        w.Float(s.Reward);
        w.Bool(s.Done);
        w.Bool(s.Truncated);
        w.Bool(s.Intervention);
        w.Float(s.DiscretePenalty);
        w.Long(s.PolicyVersion);
        w.Time(s.TickTime);
        w.Optional(s.NextObservation, WriteObservation);
    }

    public static StepRecord Read(WireReader r) => new(r.Int(), r.Int(), ReadObservation(r), r.Floats(), r.Float(), r.Bool(), r.Bool(),
        r.Bool(), r.Float(), r.Long(), r.Time(), r.Optional(ReadObservation));

    public static void WriteObservation(WireWriter w, Observation o)
    {
        w.Map(o.State, (w2, v) => w2.Floats(v));
        w.Map(o.Images, (w2, i) =>
        {
            w2.Int(i.Height);
            w2.Int(i.Width);
            w2.Int(i.Channels);
            w2.Bytes(i.Pixels);
        });
    }

    public static Observation ReadObservation(WireReader r) =>
        new(r.Map(r2 => r2.Floats()), r.Map(ReadImage));

    private static ImageFrame ReadImage(WireReader r)
    {
        var (height, width, channels, pixels) = (r.Int(), r.Int(), r.Int(), r.Bytes());
        return (long)height * width * channels == pixels.Length && height >= 0 && width >= 0 && channels >= 0
            ? new ImageFrame(height, width, channels, pixels)
            : throw new WireFormatException($"an image of {height}x{width}x{channels} comes with {pixels.Length} bytes");
    }
}
