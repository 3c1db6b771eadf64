using Akka.Actor;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Weights;

// How policy weights travel from the learner to every robot's policy replica: the learner's publisher
// announces its newest version on a pub-sub topic (small message), and each robot's receiver fetches that
// version chunk by chunk straight from the publisher, a few chunks in flight at a time, each below the
// remoting frame size. A robot that missed versions simply fetches the newest it hears of.

public static class WeightsTopics
{
    /// <summary>The publisher's announcements of its newest version.</summary>
    public const string Announcements = "ra.weights";

    /// <summary>Receivers that just started ask here for the newest version.</summary>
    public const string Requests = "ra.weights.requests";
}

/// <summary>
/// The newest weights the learner has: their version, size, chunking and SHA-256, and when they were published
/// (by the learner's clock; for latency figures on one machine only).
/// </summary>
public sealed record WeightsAvailable(IActorRef Publisher, long Version, long TotalBytes, int ChunkBytes, byte[] Sha256, DateTimeOffset PublishedAt) : IProtocolMessage
{
    public int ChunkCount => (int)((TotalBytes + ChunkBytes - 1) / ChunkBytes);
}

public sealed record FindWeights(IActorRef Receiver) : IProtocolMessage;

public sealed record FetchWeightsChunk(long Version, int Index, IActorRef ReplyTo) : IProtocolMessage;

public sealed record WeightsChunk(long Version, int Index, byte[] Bytes) : IProtocolMessage;

/// <summary>The publisher no longer has that version; the newest follows in its next announcement.</summary>
public sealed record WeightsVersionGone(long Version, long Newest) : IProtocolMessage;

/// <summary>The learner hands its newest weights (e.g. the gaussian actor's safetensors) to the publisher (learner-local).</summary>
public sealed record PublishWeights(long Version, byte[] Payload);

/// <summary>A complete, checked weights version for the policy replica's owner (robot-local).</summary>
public sealed record WeightsReceived(long Version, byte[] Payload, DateTimeOffset PublishedAt, DateTimeOffset ReceivedAt);

public sealed class GetWeightsStatus
{
    public static readonly GetWeightsStatus Instance = new();
    private GetWeightsStatus() { }
}

/// <summary>A receiver's view: the version it delivered last, the one it is fetching (with chunks so far), retries, refused payloads.</summary>
public sealed record WeightsReceiverStatus(long Delivered, long? Fetching, int ChunksReceived, int ChunkCount, long Retries, long Corrupt);
