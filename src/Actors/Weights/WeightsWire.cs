using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Weights;

/// <summary>Manifests and codecs of the weights protocol: chunks as raw bytes.</summary>
internal sealed class WeightsWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .Add("ra.weights.available.v1", (w, m) =>
        {
            w.ActorRef(m.Publisher);
            w.Long(m.Version);
            w.Long(m.TotalBytes);
            w.Int(m.ChunkBytes);
            w.Bytes(m.Sha256);
            w.Time(m.PublishedAt);
        }, r => new WeightsAvailable(r.ActorRef(), r.Long(), r.Long(), r.Int(), r.Bytes(), r.Time()))
        .Add("ra.weights.find.v1", (w, m) => w.ActorRef(m.Receiver), r => new FindWeights(r.ActorRef()))
        .Add("ra.weights.fetch-chunk.v1", (w, m) =>
        {
            w.Long(m.Version);
            w.Int(m.Index);
            w.ActorRef(m.ReplyTo);
        }, r => new FetchWeightsChunk(r.Long(), r.Int(), r.ActorRef()))
        .Add("ra.weights.chunk.v1", (w, m) =>
        {
            w.Long(m.Version);
            w.Int(m.Index);
            w.Bytes(m.Bytes);
        }, r => new WeightsChunk(r.Long(), r.Int(), r.Bytes()))
        .Add("ra.weights.version-gone.v1", (w, m) =>
        {
            w.Long(m.Version);
            w.Long(m.Newest);
        }, r => new WeightsVersionGone(r.Long(), r.Long()));
}
