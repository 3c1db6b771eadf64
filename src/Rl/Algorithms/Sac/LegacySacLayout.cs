using System.Text.RegularExpressions;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>
/// The key layout RobotActors 0.1 wrote for the sac policy, and its mapping onto LeRobot's. Those files
/// carry every tensor twice — under the registered name and under the C# field name (TorchSharp registered
/// fields too: "actor._meanLayer.weight" beside "actor.mean_layer.weight") — and use their own module names
/// ("encoder.*" at the top, "critics.{i}.0/1", "discrete_critic.net.0/1", "env_state_encoder").
/// </summary>
public static partial class LegacySacLayout
{
    /// <summary>True for a 0.1 file: a key segment named after a C# field ("_x") or the encoder at the top level.</summary>
    public static bool IsLegacy(IEnumerable<string> keys) =>
        keys.Any(k => k.Split('.').Any(p => p.StartsWith('_')) || k.StartsWith("encoder.", StringComparison.Ordinal));

    /// <summary>
    /// The tensors under LeRobot's v0.5 sac keys (the field-name duplicates dropped). <paramref name="criticEncoderPrefix"/>
    /// is where a separate critic encoder goes ("discrete_critic.encoder." with a gripper critic, else "encoder_critic.").
    /// </summary>
    public static Dictionary<string, T> Convert<T>(IReadOnlyDictionary<string, T> tensors, string criticEncoderPrefix = "discrete_critic.encoder.")
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in tensors)
        {
            if (key.Split('.').Any(p => p.StartsWith('_'))) continue;
            result[Map(key, criticEncoderPrefix)] = value;
        }
        return result;
    }

    private static string Map(string key, string criticEncoderPrefix)
    {
        foreach (var (prefix, to) in new[] { ("encoder.", "actor.encoder."), ("encoder_actor.", "actor.encoder."), ("encoder_critic.", criticEncoderPrefix) })
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                return to + Encoder(key[prefix.Length..]);
        var m = CriticHead().Match(key);
        if (m.Success) return $"{m.Groups["ensemble"].Value}.critics.{m.Groups["i"].Value}." + (m.Groups["part"].Value == "0" ? "net." : "output_layer.") + m.Groups["rest"].Value;
        m = DiscreteHead().Match(key);
        if (m.Success) return $"{m.Groups["critic"].Value}." + (m.Groups["part"].Value == "0" ? "net." : "output_layer.") + m.Groups["rest"].Value;
        return key;
    }

    private static string Encoder(string rest)
    {
        if (rest.StartsWith("image_encoder.image_encoder.", StringComparison.Ordinal)) return "image_encoder.image_enc_layers." + rest["image_encoder.image_encoder.".Length..];
        if (rest.StartsWith("image_encoder.", StringComparison.Ordinal)) return "image_encoder.image_enc_layers." + rest["image_encoder.".Length..];
        if (rest.StartsWith("env_state_encoder.", StringComparison.Ordinal)) return "env_encoder." + rest["env_state_encoder.".Length..];
        return rest;
    }

    [GeneratedRegex(@"^(?<ensemble>critic_ensemble|critic_target)\.critics\.(?<i>\d+)\.(?<part>[01])\.(?<rest>.+)$")]
    private static partial Regex CriticHead();

    [GeneratedRegex(@"^(?<critic>discrete_critic|discrete_critic_target)\.net\.(?<part>[01])\.(?<rest>.+)$")]
    private static partial Regex DiscreteHead();

    public const string UpgradeHint = "it was saved by RobotActors 0.1, whose output_features.action counted the gripper index; " +
                                      "convert the folder to LeRobot's layout with `robotactors policies upgrade <folder>`";
}
