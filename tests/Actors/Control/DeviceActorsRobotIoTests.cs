using Akka.TestKit.Xunit2;
using RobotActors.Actors.Control;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Robots;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Actors.Tests.Control;

/// <summary>
/// The control pipeline's view of a real arm through its device actors: it reads only what the bus actor published
/// and is fresh, and it sends no goal computed while the positions are stale.
/// </summary>
public sealed class DeviceActorsRobotIoTests : TestKit
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);

    private static Dictionary<string, double> Positions(double value) =>
        ArmSpec.For("so101_follower").Motors.ToDictionary(m => m.Name + ".pos", _ => value);

    [Fact]
    public void A_missing_or_old_reading_is_stale_and_its_goals_are_held_while_a_fresh_one_is_read_and_its_goals_told_to_the_bus()
    {
        var readings = new RobotReadings();
        var supervisor = CreateTestProbe();
        var io = new DeviceActorsRobotIo("arm", ArmSpec.For("so101_follower"), readings, supervisor.Ref,
            new Dictionary<string, (int Height, int Width)>(), MaxAge, TimeSpan.FromMilliseconds(100));

        // Nothing published yet: no limits, no positions, nothing sent.
        Assert.Throws<StaleReadingException>(() => io.JointLimits);
        Assert.Contains("no present positions", Assert.Throws<StaleReadingException>(() => io.Read(false)).Message);
        io.WriteGoals(Positions(1));
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, io.GoalsHeld);

        // Fresh: read as published, goals told to the supervisor for the bus actor.
        readings.JointLimits.Publish(Positions(0).ToDictionary(kv => kv.Key, _ => (-90.0, 90.0)));
        readings.Positions.Publish(Positions(10));
        Assert.Equal(10, io.Read(false).Joints["elbow_flex.pos"]);
        Assert.Equal((-90.0, 90.0), io.JointLimits["gripper.pos"]);
        io.WriteGoals(Positions(12));
        var told = supervisor.ExpectMsg<DriveGoals>();
        Assert.Equal(12, told.Action["wrist_flex.pos"]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), told.MaxAge);
        Assert.Throws<InvalidOperationException>(() => io.Read(withCurrents: true));

        // Older than the bound: stale again, naming the age, and the goal is held.
        Thread.Sleep(MaxAge + TimeSpan.FromMilliseconds(100));
        Assert.Contains("ms old", Assert.Throws<StaleReadingException>(() => io.Read(false)).Message);
        io.WriteGoals(Positions(14));
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, io.GoalsHeld);

        // The bus lost: cleared, however recent the last reading was.
        readings.Positions.Publish(Positions(15));
        Assert.Equal(15, io.Read(false).Joints["shoulder_pan.pos"]);
        readings.Positions.Clear();
        Assert.Throws<StaleReadingException>(() => io.Read(false));
    }

    [Fact]
    public void A_teleoperator_press_reaches_the_loop_once_and_a_stale_teleoperator_holds_no_intervention()
    {
        var readings = new RobotReadings();
        readings.Press(Devices.Teleoperators.TeleopEvent.Failure); // before the session: not this session's
        var first = new TeleopReading(["delta_x", "delta_y", "delta_z", "gripper"],
            new Dictionary<string, double> { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 0, ["gripper"] = 1 },
            new Dictionary<Devices.Teleoperators.TeleopEvent, bool> { [Devices.Teleoperators.TeleopEvent.IsIntervention] = true });
        readings.Teleop.Publish(first);
        var teleop = new DeviceActorsTeleoperator(readings, first, MaxAge);

        readings.Press(Devices.Teleoperators.TeleopEvent.Success);
        var events = teleop.GetTeleopEvents();
        Assert.True(events[Devices.Teleoperators.TeleopEvent.Success]);
        Assert.False(events[Devices.Teleoperators.TeleopEvent.Failure]);
        Assert.True(events[Devices.Teleoperators.TeleopEvent.IsIntervention]);
        Assert.False(teleop.GetTeleopEvents()[Devices.Teleoperators.TeleopEvent.Success]);

        Thread.Sleep(MaxAge + TimeSpan.FromMilliseconds(100));
        Assert.False(teleop.GetTeleopEvents()[Devices.Teleoperators.TeleopEvent.IsIntervention]);
        Assert.Equal(["delta_x", "delta_y", "delta_z", "gripper"], teleop.ActionFeatures);
    }
}
