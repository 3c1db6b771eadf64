using Akka.Actor;
using RobotActors.Actors.Protocol;
using RobotActors.Devices.Cameras;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Actors.Robots;

/// <summary>Asks a robot for the latest frame of one of its cameras.</summary>
public sealed record GetLatestFrame(string Camera);

/// <summary>A camera's latest frame (HWC uint8) with its capture time.</summary>
public sealed record LatestFrame(string Camera, Frame Frame);

/// <summary>
/// Owns one camera. The camera's own grab loop keeps the latest frame; this actor serves it without
/// waiting, and each poll checks the frame's age: a camera whose newest frame is older than the
/// maximum age has stalled (unplugged, frozen driver) and fails the actor, so the supervisor reopens it. The open
/// camera is also published in its robot's <see cref="RobotReadings"/>, where the control loop reads its newest frame
/// on its own thread (the camera's frame cache is thread-safe and never waits).
/// </summary>
public sealed class CameraActor : DeviceActor
{
    private readonly Func<ICamera> _open;
    private readonly TimeSpan _maxAge;
    private readonly LatestValue<ICamera>? _published;
    private ICamera? _camera;

    public static Props Props(string name, string target, Func<ICamera> open, IActorRef listener, TimeSpan pollInterval, TimeSpan maxAge,
        LatestValue<ICamera>? published = null) =>
        Akka.Actor.Props.Create(() => new CameraActor(name, target, open, listener, pollInterval, maxAge, published)).WithDispatcher(Dispatcher);

    public CameraActor(string name, string target, Func<ICamera> open, IActorRef listener, TimeSpan pollInterval, TimeSpan maxAge,
        LatestValue<ICamera>? published = null)
        : base(name, target, listener, pollInterval)
    {
        _open = open;
        _maxAge = maxAge;
        _published = published;
    }

    protected override void Open()
    {
        var camera = _open();
        try
        {
            camera.Connect();
            camera.AsyncRead(_maxAge + TimeSpan.FromSeconds(2)); // the first frame proves it works
            _camera = camera;
            _published?.Publish(camera);
        }
        catch
        {
            camera.Dispose();
            throw;
        }
    }

    /// <summary>Throws the camera's TimeoutException (naming the frame's age) when it has stalled.</summary>
    protected override void Poll() => _camera!.ReadLatest(_maxAge);

    protected override void Ready()
    {
        Receive<GetLatestFrame>(m =>
        {
            try
            {
                Sender.Tell(new LatestFrame(Name, _camera!.ReadLatest(_maxAge)));
            }
            catch (TimeoutException ex)
            {
                Sender.Tell(new RobotCommandFailed(Name, ex.Message));
                throw;
            }
        });
        Receive<GetRobotStatus>(_ => Sender.Tell(Report(DeviceState.Ready, $"{_camera!.Width}x{_camera.Height} at {_camera.Fps} fps")));
    }

    protected override void Close()
    {
        _published?.Clear();
        _camera?.Dispose();
        _camera = null;
    }
}
