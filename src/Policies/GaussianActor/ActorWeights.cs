using System.Globalization;
using System.Security.Cryptography;
using RobotActors.Policies.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// Versioned actor weights as bytes: what the learner pushes to robots (LeRobot's {"policy": actor,
/// "discrete_critic": discrete critic} push, §2.3), as an in-memory safetensors file with keys as in
/// model.safetensors ("actor.*", "discrete_critic.*") and metadata "version", "policy", "frozen_backbone"
/// and "backbone_sha256". Critics, targets and temperature are never in it.
///
/// A frozen vision backbone never changes, so a push may leave it out ("frozen_backbone": "omitted"): the
/// replica then checks that its own backbone has the digest the learner's has and refuses the payload
/// otherwise (<see cref="FrozenBackboneMismatchException"/>, an IOException like the other refusals' InvalidDataException; the sender answers with a full payload).
/// A trained backbone is always sent.
/// </summary>
public static class ActorWeights
{
    public const string VersionKey = "version";
    public const string FrozenBackboneKey = "frozen_backbone";
    public const string BackboneDigestKey = "backbone_sha256";

    public static byte[] Export(GaussianActorPolicy policy, long version, bool includeFrozenBackbone = true)
    {
        var file = new SafeTensorsFile();
        var own = policy.StateDict();
        foreach (var (key, tensor) in own)
            if (GaussianActorPolicy.IsActorKey(key) && (includeFrozenBackbone || !policy.IsFrozenBackboneKey(key)))
                file.Tensors[key] = TorchSafeTensors.FromTorch(tensor);
        file.Metadata[VersionKey] = version.ToString(CultureInfo.InvariantCulture);
        file.Metadata["policy"] = policy.Config.Type;
        file.Metadata[FrozenBackboneKey] = includeFrozenBackbone || !own.Keys.Any(policy.IsFrozenBackboneKey) ? "included" : "omitted";
        file.Metadata[BackboneDigestKey] = BackboneDigest(policy, own);
        return file.ToBytes();
    }

    /// <summary>The version of a payload without applying it.</summary>
    public static long ReadVersion(byte[] bytes) => Version(SafeTensorsFile.Parse(bytes));

    /// <summary>Applies a payload to a replica (call between two actions, at a step boundary); returns its version.</summary>
    public static long Import(GaussianActorPolicy policy, byte[] bytes)
    {
        var file = SafeTensorsFile.Parse(bytes);
        var version = Version(file);
        var own = policy.StateDict();
        var omitted = file.Metadata.GetValueOrDefault(FrozenBackboneKey) == "omitted";
        if (omitted && file.Metadata.GetValueOrDefault(BackboneDigestKey) != BackboneDigest(policy, own))
            throw new FrozenBackboneMismatchException(version);
        var expected = own.Keys.Where(k => GaussianActorPolicy.IsActorKey(k) && !(omitted && policy.IsFrozenBackboneKey(k))).ToList();
        var missing = expected.Where(k => !file.Tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"actor weights version {version} lack {missing.Count} tensors, e.g. {string.Join(", ", missing.Take(5))}; they come from a differently configured policy");
        var values = new Dictionary<string, Tensor>();
        try
        {
            foreach (var key in expected)
            {
                var value = TorchSafeTensors.ToTorch(file.Tensors[key]);
                values[key] = value;
                if (!value.shape.SequenceEqual(own[key].shape))
                    throw new InvalidDataException($"actor weights version {version}: '{key}' has shape [{string.Join(",", value.shape)}], expected [{string.Join(",", own[key].shape)}]");
            }
            // All checked before any is copied: a refused payload leaves the replica as it was.
            using var noGrad = torch.no_grad();
            foreach (var (key, value) in values) own[key].copy_(value);
        }
        finally
        {
            foreach (var value in values.Values) value.Dispose();
        }
        return version;
    }

    private static long Version(SafeTensorsFile file) =>
        file.Metadata.TryGetValue(VersionKey, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InvalidDataException("actor weights carry no 'version' metadata; export them with ActorWeights.Export");

    /// <summary>SHA-256 over the frozen backbone's keys and bytes in key order ("" without a frozen backbone).</summary>
    public static string BackboneDigest(GaussianActorPolicy policy) => BackboneDigest(policy, policy.StateDict());

    private static string BackboneDigest(GaussianActorPolicy policy, Dictionary<string, Tensor> own)
    {
        var keys = own.Keys.Where(k => GaussianActorPolicy.IsActorKey(k) && policy.IsFrozenBackboneKey(k)).Order(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return "";
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var key in keys)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
            using var cpu = own[key].detach().cpu().contiguous();
            sha.AppendData(cpu.bytes);
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}

/// <summary>A payload without the frozen backbone reached a replica whose backbone differs; it needs a full payload.</summary>
public sealed class FrozenBackboneMismatchException(long version)
    : IOException($"actor weights version {version} leave out the frozen vision backbone, but this replica's backbone differs from the learner's; it needs a full payload (export with includeFrozenBackbone: true)")
{
    public long Version { get; } = version;
}
