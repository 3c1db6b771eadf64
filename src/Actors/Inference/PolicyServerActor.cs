using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using RobotActors.Actors.Protocol;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Actors.Inference;

/// <summary>
/// LeRobot's PolicyServer as an actor on a node with role "policy" (the machine with the GPU): it holds one
/// pretrained policy with its processors and answers each <see cref="InferenceRequest"/> with the chunk
/// predict_action_chunk gives for that observation, postprocessed into the robot's action units. It keeps no
/// per-robot state (a policy with n_obs_steps &gt; 1 gets the robot's own window of observations in each request),
/// so any number of robots can ask and a restarted server serves at once. Requests are answered
/// one at a time in arrival order; the robots send one at a time each, so a queue does not build up.
/// </summary>
public sealed class PolicyServerActor : ReceiveActor
{
    public const string Name = "policy-server";
    public const string Role = "policy";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _path;
    private readonly PreTrainedPolicy? _policy;
    private readonly ProcessorPipeline? _pre, _post;
    private readonly string? _failure;
    private readonly AddBatchDimensionProcessorStep _toBatch = new();

    public static Props Props(string path) => Akka.Actor.Props.Create(() => new PolicyServerActor(path));

    public PolicyServerActor(string path)
    {
        _path = path;
        try
        {
            if (path.Length == 0) throw new ArgumentException("robotactors.inference.policy-path is empty: set it to a pretrained policy folder (…/pretrained_model)");
            (_policy, _pre, _post) = PolicyFactory.LoadPretrained(path, w => _log.Warning("{0}", w));
            _log.Info("policy server: {0} from {1}, chunk of {2}", _policy.Config.Type, path, ChunkSize(_policy.Config));
        }
        catch (Exception e) when (e is ArgumentException or IOException or PolicyConfigException or InvalidDataException or InvalidOperationException
                                      or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            _failure = $"the policy server could not load {(path.Length == 0 ? "its policy" : path)}: {e.Message}";
            _log.Error(_failure);
        }
        Receive<GetPolicyServerInfo>(_ => Sender.Tell(Info()));
        Receive<InferenceRequest>(Infer);
    }

    private PolicyServerInfo Info() => _policy is null
        ? new PolicyServerInfo("none", _path, new Dictionary<string, PolicyFeature>(), 0, 0, _failure)
        : new PolicyServerInfo(_policy.Config.Type, _path, _policy.Config.InputFeatures, _policy.Config.SelectedActionDim ?? 0, ChunkSize(_policy.Config), null,
            _policy.Config.NObsSteps);

    /// <summary>The chunk length the policy predicts (chunk_size, horizon or n_action_steps as it names it; 1 for a single-step policy).</summary>
    private static int ChunkSize(PreTrainedConfig config)
    {
        foreach (var name in new[] { "ChunkSize", "Horizon", "NActionSteps" })
            if (config.GetType().GetProperty(name)?.GetValue(config) is int n && n > 0) return n;
        return 1;
    }

    private void Infer(InferenceRequest request)
    {
        if (_policy is null)
        {
            Sender.Tell(new InferenceFailed(request.ClientId, request.Timestep, _failure!));
            return;
        }
        if (request.Window.Count == 0)
        {
            Sender.Tell(new InferenceFailed(request.ClientId, request.Timestep, "the request carries no observation; send at least the present tick's"));
            return;
        }
        var missing = _policy.Config.InputFeatures.Keys.Where(k => !request.Window[^1].State.ContainsKey(k) && !request.Window[^1].Images.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            Sender.Tell(new InferenceFailed(request.ClientId, request.Timestep,
                $"the policy ({_policy.Config.Type}, {_path}) reads {string.Join(", ", missing)}, which the observation lacks (it has {string.Join(", ", request.Window[^1].State.Keys.Concat(request.Window[^1].Images.Keys))})"));
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var batch = ToBatch(request.Window);
            var input = _pre?.ProcessBatch(batch) ?? batch;
            var chunk = _policy.PredictActionChunk(input);
            if (_post is not null) chunk = _post.ProcessAction(chunk);
            chunk = chunk.to(ScalarType.Float32);
            if (chunk.dim() == 2) chunk = chunk.unsqueeze(1);
            var steps = (int)chunk.shape[1];
            if (request.ActionsPerChunk > 0) steps = Math.Min(steps, request.ActionsPerChunk);
            var actions = chunk[0, ..steps].contiguous();
            Sender.Tell(new ActionChunkReply(request.ClientId, request.Timestep, (int)actions.shape[1], actions.data<float>().ToArray(), clock.Elapsed.TotalMilliseconds));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
        {
            _log.Warning("policy server: tick {0} of {1} failed: {2}", request.Timestep, request.ClientId, e.Message);
            Sender.Tell(new InferenceFailed(request.ClientId, request.Timestep, $"inference failed: {e.Message}"));
        }
    }

    /// <summary>
    /// The observations as the policy's batch: what the env processor's boundary steps do on the robot (float (1, C, H, W)
    /// in [0, 1], state (1, n)); a policy with n_obs_steps &gt; 1 gets the window as its training batches hold one,
    /// (1, n_obs_steps, …) with the last step the present, padded at the front with the oldest observation sent.
    /// </summary>
    private Dictionary<string, Tensor> ToBatch(IReadOnlyList<Observation> window)
    {
        var steps = _policy!.Config.NObsSteps;
        if (steps <= 1) return ToBatch(window[^1]);
        var padded = Enumerable.Repeat(window[0], Math.Max(0, steps - window.Count)).Concat(window.TakeLast(steps)).Select(ToBatch).ToList();
        return padded[0].Keys.ToDictionary(k => k, k => torch.stack(padded.Select(b => b[k]).ToList(), dim: 1));
    }

    private Dictionary<string, Tensor> ToBatch(Observation observation)
    {
        var t = new EnvTransition();
        foreach (var (key, values) in observation.State)
            if (_policy!.Config.InputFeatures.ContainsKey(key)) t.Observation[key] = torch.tensor(values);
        foreach (var (key, image) in observation.Images)
            if (_policy!.Config.InputFeatures.ContainsKey(key)) t.Observation[key] = torch.tensor(image.Pixels, [image.Height, image.Width, image.Channels]);
        return _toBatch.Process(t).Observation;
    }

    protected override void PostStop() => _policy?.Dispose();
}

/// <summary>Starts the server of a node with role "policy"; without a loadable checkpoint it answers every request with why.</summary>
public static class PolicyServer
{
    // Inference blocks its thread for the whole forward pass: it runs on Akka's blocking dispatcher, so the node's
    // heartbeats and remoting on the default dispatcher are not delayed by it.
    public static IActorRef Start(ActorSystem system, string path) =>
        system.ActorOf(PolicyServerActor.Props(path).WithDispatcher("akka.actor.default-blocking-io-dispatcher"), PolicyServerActor.Name);
}
