using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using RobotActors.Actors.Configuration;

namespace RobotActors.Actors.Weights;

/// <summary>
/// The learner side of weights distribution: keeps the newest version (and the one before, so a fetch in
/// progress can finish), announces it every push interval and whenever a newer one arrives, and serves its
/// chunks to whichever receiver asks. Nothing large is broadcast or buffered by a proxy: announcements are
/// small, chunks go to one receiver each, on request.
/// </summary>
public sealed class WeightsPublisher : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly WeightsSettings _settings;
    private Version? _current, _previous;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(WeightsSettings settings) => Akka.Actor.Props.Create(() => new WeightsPublisher(settings));

    private sealed record Version(long Number, byte[] Payload, WeightsAvailable Announcement);

    private sealed class Announce
    {
        public static readonly Announce Instance = new();
    }

    public WeightsPublisher(WeightsSettings settings)
    {
        _settings = settings;
        Receive<PublishWeights>(Publish);
        Receive<Announce>(_ => AnnounceCurrent());
        Receive<FindWeights>(f => { if (_current is not null) f.Receiver.Tell(_current.Announcement); });
        Receive<FetchWeightsChunk>(Serve);
        Receive<SubscribeAck>(_ => { });
    }

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(WeightsTopics.Requests, Self));
        Timers.StartPeriodicTimer("announce", Announce.Instance, _settings.PushInterval);
    }

    private void Publish(PublishWeights weights)
    {
        if (_current is not null && weights.Version <= _current.Number)
        {
            _log.Warning("weights: version {0} is not newer than {1}; not published", weights.Version, _current.Number);
            return;
        }
        var announcement = new WeightsAvailable(Self, weights.Version, weights.Payload.LongLength, (int)_settings.ChunkBytes,
            SHA256.HashData(weights.Payload), DateTimeOffset.UtcNow);
        (_previous, _current) = (_current, new Version(weights.Version, weights.Payload, announcement));
        AnnounceCurrent();
    }

    private void AnnounceCurrent()
    {
        if (_current is not null)
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(WeightsTopics.Announcements, _current.Announcement));
    }

    private void Serve(FetchWeightsChunk fetch)
    {
        var version = _current?.Number == fetch.Version ? _current : _previous?.Number == fetch.Version ? _previous : null;
        if (version is null)
        {
            fetch.ReplyTo.Tell(new WeightsVersionGone(fetch.Version, _current?.Number ?? 0));
            return;
        }
        var chunk = version.Announcement.ChunkBytes;
        var start = (long)fetch.Index * chunk;
        if (fetch.Index < 0 || start >= version.Payload.LongLength)
        {
            fetch.ReplyTo.Tell(new WeightsVersionGone(fetch.Version, _current!.Number));
            return;
        }
        var length = (int)Math.Min(chunk, version.Payload.LongLength - start);
        fetch.ReplyTo.Tell(new WeightsChunk(fetch.Version, fetch.Index, version.Payload.AsSpan((int)start, length).ToArray()));
    }
}
