using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Learner;

/// <summary>Manifests and codecs of the learner's progress and status messages.</summary>
internal sealed class LearnerWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .Add("ra.learner.progress.v1", (w, m) =>
        {
            w.Long(m.OptimizationStep);
            w.Double(m.UpdatesPerSecond);
            w.Long(m.WeightsVersion);
            w.Long(m.InteractionStep);
            w.Int(m.OnlineBufferSize);
            w.Int(m.OfflineBufferSize);
            w.Time(m.At);
        }, r => new LearnerProgress(r.Long(), r.Double(), r.Long(), r.Long(), r.Int(), r.Int(), r.Time()))
        .AddSingleton("ra.learner.get-status.v1", GetLearnerStatus.Instance)
        .Add("ra.learner.status.v1", (w, m) =>
        {
            w.String(m.Phase);
            w.String(m.Problem);
            w.Long(m.OptimizationStep);
            w.Long(m.InteractionStep);
            w.Double(m.UpdatesPerSecond);
            w.Int(m.OnlineBufferSize);
            w.Int(m.OfflineBufferSize);
            w.Int(m.OnlineStepBeforeLearning);
            w.Long(m.RefusedTransitions);
            w.Long(m.UnpairedSteps);
            w.Double(m.Temperature);
            w.Map(m.LastLosses, (w2, v) => w2.Double(v));
            w.String(m.LastCheckpoint);
            w.Long(m.WeightsVersion);
            w.Bool(m.LastWeightsPush.HasValue);
            if (m.LastWeightsPush is { } at) w.Time(at);
        }, r => new LearnerStatus(r.String(), r.String(), r.Long(), r.Long(), r.Double(), r.Int(), r.Int(), r.Int(), r.Long(), r.Long(), r.Double(),
            r.Map(r2 => r2.Double()), r.String(), r.Long(), r.Bool() ? r.Time() : null));
}
