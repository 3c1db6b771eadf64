using System.CommandLine;
using RobotActors.Datasets.Reading;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Torch;
using RobotActors.Policies.Training;
using RobotActors.Rl.Data;
using TorchSharp;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors train --dataset.root DIR --policy.type TYPE --steps N [--policy.field=value ...]`, as
/// lerobot-train: dotted --policy.* overrides set config fields, checkpoints go to OUTPUT/checkpoints.
/// `--policy.path DIR` instead of a type fine-tunes a pretrained policy folder.
/// </summary>
public static class TrainCommand
{
    private const string PolicyPrefix = "--policy.";

    public static Command Create()
    {
        var command = new Command("train", "Train a policy on a LeRobot v3 dataset (LeRobot-style --policy.* overrides are accepted).");
        var data = new DatasetOptions();
        var configPath = new Option<string?>("--config_path") { Description = "A lerobot-train config file (e.g. the reward classifier's, or a HIL-SERL train config); --dataset.* / --policy.* / --steps ... flags override its keys" };
        var type = new Option<string?>("--policy.type") { Description = "Policy type (see `robotactors policies list`)" };
        var path = new Option<string?>("--policy.path") { Description = "Fine-tune this pretrained policy folder (config.json, model.safetensors) instead of starting from --policy.type" };
        var steps = new Option<long>("--steps") { Description = "Total optimization steps", DefaultValueFactory = _ => 100_000 };
        var batch = new Option<int>("--batch_size") { Description = "Frames per batch", DefaultValueFactory = _ => 8 };
        var output = new Option<string?>("--output_dir") { Description = "Where checkpoints go (default outputs/train/<time>_<type>)" };
        var saveFreq = new Option<long>("--save_freq") { Description = "Checkpoint every N steps (and at the end)", DefaultValueFactory = _ => 20_000 };
        var logFreq = new Option<long>("--log_freq") { Description = "Progress line every N steps", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1000 };
        var resume = new Option<bool>("--resume") { Description = "Continue from OUTPUT/checkpoints/last: weights, optimizer and step" };
        var threads = new Option<int>("--num_threads") { Description = "Torch CPU threads (0 = default)" };
        var plugins = PluginOption.Create();
        data.AddTo(command);
        foreach (var o in new Option[] { configPath, type, path, steps, batch, output, saveFreq, logFreq, seed, resume, threads, plugins }) command.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        CliHelp.DescribeExtraArguments(command, "[--policy.<field>=<value> ...]", "Policy fields",
            "--policy.<field>=<value>  any field of the policy's config.json (LeRobot's names), e.g. --policy.actor_lr=1e-4,\n" +
            "                          --policy.critic_network_kwargs.hidden_dims=[64,64]; each is checked against its range");

        command.SetAction(parseResult =>
        {
            try
            {
                PluginOption.Discover(parseResult.GetValue(plugins), Console.Error);
                if (parseResult.GetValue(threads) is > 0 and var t) torch.set_num_threads(t);
                if (parseResult.GetValue(configPath) is not null) return TrainFromConfig.Run(parseResult, command);
                var (overrides, emaOverrides) = DottedOverrides(parseResult.UnmatchedTokens);
                var ema = EmaSettings(emaOverrides);
                var isResume = parseResult.GetValue(resume);
                var policyType = parseResult.GetValue(type);
                var pretrained = parseResult.GetValue(path);
                if (isResume && (overrides.Count > 0 || policyType is not null || pretrained is not null))
                {
                    Console.Error.WriteLine("error: a resumed run keeps the policy config of its last checkpoint; drop --policy.* or start a new --output_dir");
                    return 2;
                }
                if (policyType is not null && pretrained is not null)
                {
                    Console.Error.WriteLine("error: give --policy.type (a new policy) or --policy.path (fine-tune a pretrained one), not both; the type of a pretrained policy comes from its config.json");
                    return 2;
                }
                if (policyType is null && pretrained is null && !isResume)
                {
                    Console.Error.WriteLine("error: --policy.type is required (see `robotactors policies list`), or --policy.path to fine-tune a pretrained policy");
                    return 2;
                }

                var config = pretrained is not null ? PreTrainedConfig.LoadForFineTuning(pretrained, overrides)
                    : policyType is not null ? PreTrainedConfig.Create(policyType, overrides)
                    : null;
                if (config is not null && TorchDevices.Unavailable(config.Device) is { } unavailable)
                    throw new TrainSettingsException($"{(overrides.ContainsKey("device") ? "--policy.device" : "the policy's device")}: {unavailable}");
                var outputDir = parseResult.GetValue(output)
                    ?? Path.Combine("outputs", "train", $"{DateTime.Now:yyyy-MM-dd_HH-mm-ss}_{config?.Type ?? "resume"}");
                // A resumed run keeps its own settings (train_config.json); only what is typed here replaces them.
                var given = new[] { ("steps", (Option)steps), ("batch_size", batch), ("save_freq", saveFreq), ("log_freq", logFreq), ("seed", seed) }
                    .Where(o => parseResult.GetResult(o.Item2) is { Implicit: false }).Select(o => o.Item1).ToHashSet();
                if (emaOverrides.Count > 0) given.Add("ema");
                var options = new TrainOptions
                {
                    OutputDir = outputDir, Steps = parseResult.GetValue(steps), BatchSize = parseResult.GetValue(batch),
                    SaveFreq = parseResult.GetValue(saveFreq), LogFreq = parseResult.GetValue(logFreq), Seed = parseResult.GetValue(seed),
                    Resume = isResume, ResumeOverrides = given, DatasetRepoId = data.RepoIdOf(parseResult), Ema = ema,
                    DatasetRoot = isResume && !data.IsGiven(parseResult) ? null : Path.GetFullPath(data.Resolve(parseResult)),
                };
                if (isResume) options = TrainResume.Resolve(options).Options;
                PolicyTrainer.CheckOptions(options);
                var datasetRoot = options.DatasetRoot
                    ?? throw new TrainSettingsException($"the run in {outputDir} does not record its dataset; give --dataset.root or --dataset.repo_id");
                var lerobot = LeRobotDataset.Open(datasetRoot);
                // Before anything is built: a shape in info.json that the stats or the rows disagree with would
                // otherwise surface as a libtorch reshape error in the first batch.
                lerobot.CheckShapesAsync().GetAwaiter().GetResult();
                var dataset = new LeRobotPolicyDataset(lerobot);
                var result = new PolicyTrainer(Console.WriteLine).Run(config, dataset, options);
                Console.WriteLine($"Done: step {result.Step}, last checkpoint {result.LastCheckpoint}");
                return 0;
            }
            catch (Exception e) when (e is PolicyConfigException or ArgumentException)
            {
                // Settings, flags and config fields: nothing was started.
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is InvalidOperationException
                                          or IOException or InvalidDataException or KeyNotFoundException
                                          or RobotActors.Datasets.DatasetFormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// "--policy.actor_lr=1e-4" or "--policy.actor_lr 1e-4" → ("actor_lr", "1e-4"); "--ema.enable=true" likewise
    /// into the EMA settings.
    /// </summary>
    private static (Dictionary<string, string> Policy, Dictionary<string, string> Ema) DottedOverrides(IReadOnlyList<string> tokens)
    {
        var policy = new Dictionary<string, string>();
        var ema = new Dictionary<string, string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var (prefix, target) = token.StartsWith(PolicyPrefix, StringComparison.Ordinal) ? (PolicyPrefix, policy)
                : token.StartsWith(EmaPrefix, StringComparison.Ordinal) ? (EmaPrefix, ema)
                : throw new ArgumentException($"unknown option '{token}'; policy fields are set with --policy.<field>=<value>, the weight average with --ema.<field>=<value>");
            var body = token[prefix.Length..];
            var eq = body.IndexOf('=');
            if (eq >= 0) target[body[..eq]] = body[(eq + 1)..];
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal)) target[body] = tokens[++i];
            else if (prefix == EmaPrefix && body == "enable") target[body] = "true";
            else throw new ArgumentException($"'{token}' has no value; write {token}=<value>");
        }
        return (policy, ema);
    }

    private const string EmaPrefix = "--ema.";

    /// <summary>LeRobot's EMAConfig from --ema.* flags, range-checked.</summary>
    private static EmaConfig EmaSettings(IReadOnlyDictionary<string, string> overrides)
    {
        var node = new System.Text.Json.Nodes.JsonObject();
        ConfigJson.ApplyOverrides(node, overrides);
        EmaConfig ema;
        try
        {
            ema = System.Text.Json.JsonSerializer.Deserialize<EmaConfig>(node, ConfigJson.Options) ?? new EmaConfig();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"--ema.{e.Path?.TrimStart('$', '.')}: {e.Message.Split(" Path:")[0]} (fields: enable, decay, update_after_step, inv_gamma, power, min_decay, max_decay, use_for_eval)");
        }
        ConfigRanges.Check(ema, p => "--ema." + p);
        ema.Validate();
        return ema;
    }
}
