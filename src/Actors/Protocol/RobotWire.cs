using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Protocol;

/// <summary>Manifests and codecs of the robot protocol (status, motors, torque, register writes).</summary>
internal sealed class RobotWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .AddSingleton("ra.robot.list-robots.v1", ListRobots.Instance)
        .Add("ra.robot.robot-list.v1", (w, m) =>
        {
            w.String(m.Node);
            w.List(m.Robots, WriteStatus);
        }, r => new RobotList(r.String(), r.List(ReadStatus)))
        .Add("ra.robot.get-status.v1", (w, m) => w.String(m.RobotId), r => new GetRobotStatus(r.String()))
        .Add<RobotStatusReport>("ra.robot.status-report.v1", WriteStatus, ReadStatus)
        .Add("ra.robot.read-motors.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Register);
            w.Bool(m.Normalize);
        }, r => new ReadMotors(r.String(), r.String(), r.Bool()))
        .Add("ra.robot.motor-values.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Register);
            w.Map(m.Values, (w2, v) => w2.Double(v));
        }, r => new MotorValues(r.String(), r.String(), r.Map(r2 => r2.Double())))
        .Add("ra.robot.set-torque.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Bool(m.On);
        }, r => new SetTorque(r.String(), r.Bool()))
        .Add("ra.robot.torque-set.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Bool(m.On);
        }, r => new TorqueSet(r.String(), r.Bool()))
        .Add("ra.robot.write-motors.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Register);
            w.Double(m.Value);
            w.List(m.Ids, (w2, id) => w2.Int(id));
        }, r => new WriteMotors(r.String(), r.String(), r.Double(), r.List(r2 => r2.Int())))
        .Add("ra.robot.motors-written.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Register);
            w.Map(m.Values, (w2, v) => w2.Double(v));
        }, r => new MotorsWritten(r.String(), r.String(), r.Map(r2 => r2.Double())))
        .Add("ra.robot.command-failed.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Reason);
        }, r => new RobotCommandFailed(r.String(), r.String()))
        .Add("ra.robot.not-found.v1", (w, m) => w.String(m.RobotId), r => new RobotNotFound(r.String()));

    private static void WriteStatus(WireWriter w, RobotStatusReport s)
    {
        w.String(s.RobotId);
        w.String(s.Type);
        w.String(s.Port);
        w.Enum(s.State);
        w.List(s.Devices, (w2, d) =>
        {
            w2.String(d.Name);
            w2.Enum(d.State);
            w2.OptionalString(d.Detail);
            w2.Int(d.Reconnects);
            w2.Time(d.Since);
            w2.Long(d.Transactions);
            w2.Long(d.Timeouts);
            w2.Long(d.CorruptPackets);
            w2.Long(d.Retries);
            w2.Long(d.Failures);
        });
    }

    private static RobotStatusReport ReadStatus(WireReader r) => new(r.String(), r.String(), r.String(), r.Enum<DeviceState>(),
        r.List(r2 => new DeviceStatusReport(r2.String(), r2.Enum<DeviceState>(), r2.OptionalString(), r2.Int(), r2.Time(),
            r2.Long(), r2.Long(), r2.Long(), r2.Long(), r2.Long())));
}
