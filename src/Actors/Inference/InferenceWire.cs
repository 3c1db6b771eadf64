using RobotActors.Actors.Protocol;
using RobotActors.Actors.Protocol.Wire;
using RobotActors.Policies.Configs;

namespace RobotActors.Actors.Inference;

/// <summary>Manifests and codecs of async inference (robot ↔ policy server): observations and chunks as raw bytes.</summary>
internal sealed class InferenceWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .AddSingleton("ra.inference.get-info.v1", GetPolicyServerInfo.Instance)
        .Add("ra.inference.info.v2", (w, m) =>
        {
            w.String(m.PolicyType);
            w.String(m.Path);
            w.Map(m.InputFeatures, (w2, f) =>
            {
                w2.Enum(f.Type);
                w2.List(f.Shape, (w3, d) => w3.Int(d));
            });
            w.Int(m.ActionDim);
            w.Int(m.ChunkSize);
            w.OptionalString(m.Failure);
            w.Int(m.ObservationSteps);
        }, r => new PolicyServerInfo(r.String(), r.String(), ReadFeatures(r), r.Int(), r.Int(), r.OptionalString(), r.Int()))
        .AddLegacyReader("ra.inference.info.v1", r => new PolicyServerInfo(r.String(), r.String(), ReadFeatures(r), r.Int(), r.Int(), r.OptionalString()))
        .Add("ra.inference.request.v2", (w, m) =>
        {
            w.String(m.ClientId);
            w.Long(m.Timestep);
            w.List(m.Window, StepCodec.WriteObservation);
            w.OptionalString(m.Task);
            w.Int(m.ActionsPerChunk);
        }, r => new InferenceRequest(r.String(), r.Long(), r.List(StepCodec.ReadObservation), r.OptionalString(), r.Int()))
        .AddLegacyReader("ra.inference.request.v1", r => new InferenceRequest(r.String(), r.Long(), [StepCodec.ReadObservation(r)], r.OptionalString(), r.Int()))
        .Add("ra.inference.chunk.v1", (w, m) =>
        {
            w.String(m.ClientId);
            w.Long(m.Timestep);
            w.Int(m.ActionDim);
            w.Floats(m.Actions);
            w.Double(m.InferenceMs);
        }, r => new ActionChunkReply(r.String(), r.Long(), r.Int(), r.Floats(), r.Double())) // the client checks it is whole steps
        .Add("ra.inference.failed.v1", (w, m) =>
        {
            w.String(m.ClientId);
            w.Long(m.Timestep);
            w.String(m.Reason);
        }, r => new InferenceFailed(r.String(), r.Long(), r.String()));

    private static Dictionary<string, PolicyFeature> ReadFeatures(WireReader r) =>
        r.Map(r2 => new PolicyFeature(r2.Enum<FeatureType>(), r2.List(r3 => r3.Int()).ToArray()));
}
