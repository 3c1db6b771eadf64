using RobotActors.Actors.Protocol.Wire;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Control;

/// <summary>Manifests and codecs of the control protocol (console → a robot's control loop).</summary>
internal sealed class ControlWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .Add("ra.control.start.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.OptionalString(m.Task);
        }, r => new StartControl(r.String(), r.OptionalString()))
        .Add("ra.control.stop.v1", (w, m) => w.String(m.RobotId), r => new StopControl(r.String()))
        .Add("ra.control.pause.v1", (w, m) => w.String(m.RobotId), r => new PauseControl(r.String()))
        .Add("ra.control.resume.v1", (w, m) => w.String(m.RobotId), r => new ResumeControl(r.String()))
        .Add("ra.control.set-intervention.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Bool(m.On);
        }, r => new SetIntervention(r.String(), r.Bool()))
        .Add("ra.control.mark-episode.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Enum(m.Outcome);
        }, r => new MarkEpisode(r.String(), r.Enum<EpisodeOutcome>()))
        .Add("ra.control.get-status.v1", (w, m) => w.String(m.RobotId), r => new GetControlStatus(r.String()))
        .Add("ra.control.status.v2", (w, m) =>
        {
            w.String(m.RobotId);
            w.Enum(m.State);
            w.OptionalString(m.Detail);
            w.Bool(m.Episode.HasValue);
            w.Int(m.Episode ?? 0);
            w.Int(m.Step);
            w.Long(m.PolicyVersion);
            w.Long(m.Ticks);
            w.Long(m.Overruns);
            w.Double(m.LoopP50Ms);
            w.Double(m.LoopP99Ms);
            w.Bool(m.OperatorIntervening);
            w.Long(m.AcknowledgedSteps);
            w.Long(m.HeldTicks);
        }, r =>
        {
            var robot = r.String();
            var state = r.Enum<ControlState>();
            var detail = r.OptionalString();
            var hasEpisode = r.Bool();
            var episode = r.Int();
            return new ControlStatus(robot, state, detail, hasEpisode ? episode : null, r.Int(), r.Long(), r.Long(), r.Long(), r.Double(), r.Double(), r.Bool(), r.Long(), r.Long());
        })
        .Add("ra.control.reply.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Bool(m.Ok);
            w.String(m.Text);
        }, r => new ControlReply(r.String(), r.Bool(), r.String()));
}
