using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using RobotActors.Actors.Configuration;

namespace RobotActors.Actors.Weights;

/// <summary>
/// The robot side of weights distribution, owned by the policy replica's owner: listens for announcements,
/// fetches the newest version it hears of chunk by chunk (a few in flight, each asked again if it does not
/// come within the fetch timeout), checks its size and SHA-256, and hands the owner each complete version.
/// An older transfer is dropped when a newer version is announced, so a robot that missed versions gets the
/// newest one, and no payload is ever delivered partial or corrupt.
/// </summary>
public sealed class WeightsReceiver : ReceiveActor, IWithTimers
{
    private const int ChunksInFlight = 3;
    private const int MaxAttempts = 5;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _owner;
    private readonly WeightsSettings _settings;
    private long _delivered;
    private Transfer? _transfer;
    private long _retries, _corrupt;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="owner">Gets <see cref="WeightsReceived"/> for every complete version, newer each time.</param>
    public static Props Props(IActorRef owner, WeightsSettings settings) => Akka.Actor.Props.Create(() => new WeightsReceiver(owner, settings));

    private sealed class Transfer(WeightsAvailable offer)
    {
        public WeightsAvailable Offer { get; } = offer;
        public byte[] Buffer { get; } = new byte[offer.TotalBytes];
        public bool[] Have { get; } = new bool[offer.ChunkCount];
        public Dictionary<int, int> Asked { get; } = new();
        public int Received { get; set; }
        public int NextToAsk { get; set; }
        public int Attempts { get; set; }
    }

    private sealed record ChunkTimeout(long Version);

    public WeightsReceiver(IActorRef owner, WeightsSettings settings)
    {
        _owner = owner;
        _settings = settings;
        Receive<WeightsAvailable>(Offered);
        Receive<WeightsChunk>(Chunk);
        Receive<WeightsVersionGone>(gone =>
        {
            if (_transfer?.Offer.Version != gone.Version) return;
            _log.Info("weights: version {0} was replaced by {1} while fetching; waiting for its announcement", gone.Version, gone.Newest);
            Abandon();
        });
        Receive<ChunkTimeout>(Timeout);
        Receive<SubscribeAck>(_ => { });
        Receive<GetWeightsStatus>(_ => Sender.Tell(new WeightsReceiverStatus(_delivered, _transfer?.Offer.Version, _transfer?.Received ?? 0,
            _transfer?.Offer.ChunkCount ?? 0, _retries, _corrupt)));
    }

    protected override void PreStart()
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(WeightsTopics.Announcements, Self));
        mediator.Tell(new Publish(WeightsTopics.Requests, new FindWeights(Self)));
    }

    private void Offered(WeightsAvailable offer)
    {
        if (offer.Version <= _delivered || (_transfer is not null && offer.Version <= _transfer.Offer.Version)) return;
        if (offer.TotalBytes is < 0 or > int.MaxValue || offer.ChunkBytes <= 0)
        {
            _log.Error("weights: version {0} announces {1} bytes in chunks of {2}; refused", offer.Version, offer.TotalBytes, offer.ChunkBytes);
            return;
        }
        _transfer = new Transfer(offer);
        if (offer.TotalBytes == 0) { Complete(); return; }
        for (var i = 0; i < ChunksInFlight; i++) AskNext();
        Timers.StartSingleTimer("chunk", new ChunkTimeout(offer.Version), _settings.FetchTimeout);
    }

    private void AskNext()
    {
        var t = _transfer!;
        if (t.NextToAsk >= t.Have.Length) return;
        var index = t.NextToAsk++;
        t.Asked[index] = t.Attempts;
        t.Offer.Publisher.Tell(new FetchWeightsChunk(t.Offer.Version, index, Self));
    }

    private void Chunk(WeightsChunk chunk)
    {
        var t = _transfer;
        if (t is null || chunk.Version != t.Offer.Version || chunk.Index < 0 || chunk.Index >= t.Have.Length || t.Have[chunk.Index]) return;
        var start = (long)chunk.Index * t.Offer.ChunkBytes;
        var expected = (int)Math.Min(t.Offer.ChunkBytes, t.Offer.TotalBytes - start);
        if (chunk.Bytes.Length != expected)
        {
            _log.Error("weights: chunk {0} of version {1} has {2} bytes, expected {3}; the transfer is dropped", chunk.Index, chunk.Version, chunk.Bytes.Length, expected);
            _corrupt++;
            Abandon();
            return;
        }
        chunk.Bytes.CopyTo(t.Buffer, start);
        t.Have[chunk.Index] = true;
        t.Asked.Remove(chunk.Index);
        t.Received++;
        t.Attempts = 0;
        Timers.StartSingleTimer("chunk", new ChunkTimeout(t.Offer.Version), _settings.FetchTimeout);
        if (t.Received == t.Have.Length) Complete();
        else AskNext();
    }

    private void Timeout(ChunkTimeout timeout)
    {
        var t = _transfer;
        if (t is null || t.Offer.Version != timeout.Version) return;
        if (++t.Attempts >= MaxAttempts)
        {
            _log.Warning("weights: version {0} stalled after {1} chunks of {2}; waiting for the next announcement", t.Offer.Version, t.Received, t.Have.Length);
            Abandon();
            return;
        }
        foreach (var index in t.Asked.Keys.ToList())
        {
            _retries++;
            t.Offer.Publisher.Tell(new FetchWeightsChunk(t.Offer.Version, index, Self));
        }
        Timers.StartSingleTimer("chunk", new ChunkTimeout(t.Offer.Version), _settings.FetchTimeout);
    }

    private void Complete()
    {
        var t = _transfer!;
        Timers.Cancel("chunk");
        _transfer = null;
        if (!SHA256.HashData(t.Buffer).AsSpan().SequenceEqual(t.Offer.Sha256))
        {
            _log.Error("weights: version {0} does not match its SHA-256 after reassembly; dropped", t.Offer.Version);
            _corrupt++;
            return;
        }
        _delivered = t.Offer.Version;
        _owner.Tell(new WeightsReceived(t.Offer.Version, t.Buffer, t.Offer.PublishedAt, DateTimeOffset.UtcNow));
    }

    private void Abandon()
    {
        Timers.Cancel("chunk");
        _transfer = null;
    }
}
