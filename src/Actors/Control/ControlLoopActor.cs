using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Actors.Session;
using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Actor;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Actors.Control;

/// <summary>
/// A robot's HIL-SERL control loop (LeRobot's actor process): on a dedicated thread it runs the gym_manipulator env of
/// the train config at env.fps with the policy replica, the operator's interventions and the safety step
/// (<see cref="HilSerlActorLoop"/>), and hands every step to the robot's <see cref="SessionActor"/> without waiting.
/// The actor itself only changes modes (idle, starting, running, paused) and answers the console; the thread never
/// waits on it, and it never waits on the thread. After a crash, a session that was running continues with its next
/// episode as soon as the node is back.
/// </summary>
/// <remarks>
/// A real arm is driven through the robot's device actors (<see cref="DeviceActorsRobotIo"/>): each tick reads the
/// positions the bus actor last published and the cameras' newest frames from <see cref="RobotReadings"/> (no Ask,
/// no wait), and tells the safe goals to the bus actor, which passes its own safety step and sync-writes them. A
/// reading older than three poll intervals or three control periods holds the tick (counted in
/// <see cref="ControlStatus.HeldTicks"/>); a hold over a second ends the episode as interrupted, and the next one
/// starts when the bus is back. Interventions come from the robot's TeleopActor (its latest poll, presses once each;
/// <see cref="DeviceActorsTeleoperator"/>) and from the console. Limits: a simulated robot still runs its own workcell
/// from the train config (the device actors' emulated arm is another one), so sim sessions and the device actors do not
/// share an arm; motor currents are not published, so add_current_to_observation is refused on a real arm.
/// </remarks>
public sealed class ControlLoopActor : ReceiveActor
{
    public const string Name = "control";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RobotSettings _robot;
    private readonly RobotActorsSettings _settings;
    private readonly IActorRef _session;
    private readonly RobotReadings? _readings;
    private readonly PendingWeights _weights = new();
    private IActorRef _policy = ActorRefs.Nobody;
    private Run? _run;
    private string? _detail;
    private long _acknowledged;
    private LearnerProgress? _learner;

    /// <param name="readings">What the robot's device actors publish; a real arm's session runs on it.</param>
    public static Props Props(RobotSettings robot, RobotActorsSettings settings, IActorRef session, RobotReadings? readings = null) =>
        Akka.Actor.Props.Create(() => new ControlLoopActor(robot, settings, session, readings));

    /// <summary>One started session: its config, the thread, and what the console can change while it runs.</summary>
    private sealed class Run(TrainConfigFile file, string task, CancellationTokenSource stop)
    {
        public TrainConfigFile File { get; } = file;
        public string Task { get; } = task;
        public CancellationTokenSource Stop { get; } = stop;
        public volatile bool Paused;
        public volatile OperatorOverride? Operator;
        public volatile HilSerlActorLoop? Loop;
        public IActorRef? StopAsker;
    }

    private sealed record SessionFound(SessionStatus Status);
    private sealed record SessionAnswer(object Answer, IActorRef? Asker);
    private sealed record ThreadEnded(string? Failure);

    public ControlLoopActor(RobotSettings robot, RobotActorsSettings settings, IActorRef session, RobotReadings? readings = null)
    {
        _robot = robot;
        _settings = settings;
        _session = session;
        _readings = readings;
        Idle();
    }

    protected override void PreStart()
    {
        _policy = Context.ActorOf(PolicyActor.Props(_robot.Id, _weights, _settings.Weights), "policy");
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(LearnerTopics.Progress, Self));
        // A session the journal says is running (the node crashed or was restarted) continues on its own.
        _session.Ask<SessionStatus>(new GetSessionStatus(_robot.Id), TimeSpan.FromSeconds(30))
            .PipeTo(Self, success: s => new SessionFound(s), failure: ex => new SessionFound(null!));
    }

    protected override void PostStop() => _run?.Stop.Cancel();

    private void Common()
    {
        Receive<LearnerProgress>(p => _learner = p);
        Receive<SubscribeAck>(_ => { });
        Receive<StepsAcknowledged>(a => _acknowledged = Math.Max(_acknowledged, a.DurableSteps));
        Receive<EpisodeClosed>(Report);
        Receive<SessionCommandRefused>(r => _log.Warning("robot {0}: the session refused a step or an episode end: {1}", _robot.Id, r.Reason));
        Receive<GetControlStatus>(_ => Sender.Tell(Status()));
    }

    private void Idle()
    {
        Common();
        Receive<SessionFound>(found =>
        {
            if (found.Status is { Active: true } s)
            {
                _log.Info("robot {0}: session {1} ({2}) was running; it continues", _robot.Id, s.Session, s.Task);
                Begin(s.Task, null, resumed: true);
            }
            else if (_settings.Control.AutoStart && _settings.Learner.ConfigPath.Length > 0)
            {
                Begin(null, null, resumed: false);
            }
        });
        Receive<StartControl>(m => Begin(m.Task, Sender, resumed: false));
        Receive<IControlMessage>(m => Sender.Tell(new ControlReply(_robot.Id, false,
            $"no session is running on robot {_robot.Id}{(_detail is null ? "" : $" ({_detail})")}; start one with `session start {_robot.Id}`.")));
    }

    /// <summary>Reads and checks the train config, then has the session journal the start (or its continuation).</summary>
    private void Begin(string? task, IActorRef? asker, bool resumed)
    {
        var refusal = Check(task, out var file, out var chosen);
        if (refusal is not null)
        {
            _detail = refusal;
            _log.Error("robot {0}: no session: {1}", _robot.Id, refusal);
            asker?.Tell(new ControlReply(_robot.Id, false, refusal));
            return;
        }
        _run = new Run(file!, chosen!, new CancellationTokenSource());
        if (resumed)
        {
            // The journal already holds the running session; the loop simply goes on with its next episode.
            StartThread(_run);
            _detail = null;
            Become(Running);
            return;
        }
        _session.Ask<IProtocolMessage>(new StartSession(_robot.Id, chosen!, file!.Env!.Fps), TimeSpan.FromSeconds(30))
            .PipeTo(Self, success: a => new SessionAnswer(a, asker), failure: ex => new SessionAnswer(new SessionCommandRefused(_robot.Id, ex.Message), asker));
        Become(Starting);
    }

    private string? Check(string? task, out TrainConfigFile? file, out string? chosen)
    {
        file = null;
        chosen = null;
        var path = _settings.Learner.ConfigFullPath;
        if (path is null)
            return "robotactors.hilserl.config-path is empty: set it to a HIL-SERL train config (e.g. examples/hilserl/train_config_hilserl_so101_sim_push_state.json)";
        if (!_robot.IsSimulated && _readings is null)
            return $"robot {_robot.Id} is a real arm ({_robot.Port}) but its control loop was started without its device actors' readings";
        try
        {
            file = TrainConfigReader.Read(path, _settings.Learner.OverridePairs());
        }
        catch (Exception ex) when (ex is LeRobotConfigException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return $"the train config {path} was refused: {ex.Message}";
        }
        if (file.Env is null) return $"{path} has no \"env\" section: a HIL-SERL session needs the gym_manipulator env (robot, teleop, processor)";
        if (file.Policy is not GaussianActorConfig) return $"{path}: policy.type is {file.Policy.Type}; a HIL-SERL session runs gaussian_actor (LeRobot's SAC actor)";
        chosen = task ?? file.Env.Task ?? "pick_lift_cube";
        if (!_robot.IsSimulated)
        {
            chosen = task ?? file.Env.Task ?? "real";
            return CheckRealArm(file, path);
        }
        file = file with { Env = file.Env with { Task = chosen, Robot = file.Env.Robot is { } r ? r with { Arm = r.Arm with { Port = "sim" } } : null } };
        return null;
    }

    /// <summary>What a real arm's session needs of the train config beyond a sim's: what the device actors publish.</summary>
    private string? CheckRealArm(TrainConfigFile file, string path)
    {
        var env = file.Env!;
        if (env.Teleop?.Type == "scripted")
            return $"{path}: env.teleop.type \"scripted\" is the simulated operator; robot {_robot.Id} is a real arm ({_robot.Port}). Use a config for the real arm (e.g. examples/hilserl/env_config_so101_real.json's env)";
        if (env.Processor.Observation.AddCurrentToObservation)
            return $"{path}: env.processor.observation.add_current_to_observation is true, but robot {_robot.Id}'s bus actor publishes positions only; set it to false";
        if (_robot.Teleop is { IsGamepad: false } leader && env.Processor.InverseKinematics is not null)
            return $"{path}: robot {_robot.Id}'s teleoperator is a leader arm ({leader.Type}), which drives joints, but env.processor.inverse_kinematics makes the action an end-effector delta; " +
                   "give the robot a gamepad (teleop-type = \"gamepad\"), or remove inverse_kinematics from the config for joint control";
        var have = (_robot.Cameras ?? []).Select(c => c.Name).ToHashSet();
        var missing = (env.Robot?.Cameras.Keys ?? []).Where(c => !have.Contains(c)).ToList();
        if (missing.Count > 0)
            return $"{path}: env.robot.cameras names {string.Join(", ", missing)}, which robot {_robot.Id} does not have (it has {(have.Count == 0 ? "none" : string.Join(", ", have))}); " +
                   "add them to the robot's cameras in robotactors.robots, or remove them from the config";
        return null;
    }

    private void Starting()
    {
        Common();
        Receive<SessionAnswer>(a =>
        {
            if (a.Answer is SessionStatus)
            {
                StartThread(_run!);
                a.Asker?.Tell(new ControlReply(_robot.Id, true, $"started the HIL-SERL session on robot {_robot.Id}: {_run!.Task} at {_run.File.Env!.Fps} fps"));
                _detail = null;
                Become(Running);
                return;
            }
            var reason = a.Answer is SessionCommandRefused r ? r.Reason : $"the session answered {a.Answer.GetType().Name}";
            _run = null;
            a.Asker?.Tell(new ControlReply(_robot.Id, false, reason));
            Become(Idle);
        });
        Receive<IControlMessage>(m => Sender.Tell(new ControlReply(_robot.Id, false, $"the session on robot {_robot.Id} is starting; try again in a moment")));
    }

    private void Running()
    {
        Common();
        Receive<StartControl>(_ => Sender.Tell(new ControlReply(_robot.Id, false,
            $"a session ({_run!.Task}) is already running on robot {_robot.Id}; `session stop {_robot.Id}` first")));
        Receive<PauseControl>(_ =>
        {
            _run!.Paused = true;
            Sender.Tell(new ControlReply(_robot.Id, true, $"robot {_robot.Id} paused: the open episode ends as interrupted and the arm holds; `session resume {_robot.Id}` goes on"));
        });
        Receive<ResumeControl>(_ =>
        {
            var was = _run!.Paused;
            _run.Paused = false;
            Sender.Tell(new ControlReply(_robot.Id, true, was ? $"robot {_robot.Id} resumed: the next episode starts" : $"robot {_robot.Id} was not paused"));
        });
        Receive<SetIntervention>(m =>
        {
            if (_run!.Operator is not { } op)
            {
                Sender.Tell(new ControlReply(_robot.Id, false, $"robot {_robot.Id}'s env is still opening; try again in a moment"));
                return;
            }
            op.SetIntervention(m.On);
            Sender.Tell(new ControlReply(_robot.Id, true, m.On ? $"the operator has robot {_robot.Id} (intervention on)" : $"the policy has robot {_robot.Id} again (intervention off)"));
        });
        Receive<MarkEpisode>(m =>
        {
            var button = m.Outcome switch
            {
                EpisodeOutcome.Success => TeleopEvent.Success,
                EpisodeOutcome.Failure => TeleopEvent.Failure,
                EpisodeOutcome.Rerecord => TeleopEvent.RerecordEpisode,
                _ => (TeleopEvent?)null,
            };
            if (button is null || _run!.Operator is not { } op)
            {
                Sender.Tell(new ControlReply(_robot.Id, false, button is null ? $"an episode is marked success, failure or rerecord, not {m.Outcome}" : $"robot {_robot.Id}'s env is still opening"));
                return;
            }
            op.Press(button.Value);
            Sender.Tell(new ControlReply(_robot.Id, true, $"robot {_robot.Id}: the open episode ends as {m.Outcome.ToString().ToLowerInvariant()}"));
        });
        Receive<StopControl>(_ =>
        {
            _run!.StopAsker = Sender;
            _run.Stop.Cancel();
        });
        Receive<ThreadEnded>(ended =>
        {
            var run = _run!;
            if (ended.Failure is not null)
            {
                _detail = ended.Failure;
                _log.Error("robot {0}: the control loop stopped: {1}", _robot.Id, ended.Failure);
            }
            var asker = run.StopAsker;
            _session.Ask<IProtocolMessage>(new StopSession(_robot.Id), TimeSpan.FromSeconds(30))
                .PipeTo(Self, success: a => new SessionAnswer(a, asker), failure: ex => new SessionAnswer(new SessionCommandRefused(_robot.Id, ex.Message), asker));
            Become(Stopping);
        });
    }

    private void Stopping()
    {
        Common();
        Receive<SessionAnswer>(a =>
        {
            _run = null;
            a.Asker?.Tell(new ControlReply(_robot.Id, a.Answer is SessionStatus,
                a.Answer is SessionCommandRefused r ? r.Reason : $"the session on robot {_robot.Id} is stopped"));
            Become(Idle);
        });
        Receive<IControlMessage>(m => Sender.Tell(new ControlReply(_robot.Id, false, $"the session on robot {_robot.Id} is stopping")));
    }

    private void StartThread(Run run)
    {
        var self = Self;
        var sink = new SessionStepSink(_robot.Id, _session, self, _policy, line => _log.Warning("robot {0}: {1}", _robot.Id, line));
        var lockstep = _settings.Control.SimLockstep;
        var configPath = _settings.Learner.ConfigFullPath;
        var real = _robot.IsSimulated ? null : new RealArmDevices(_robot, _readings!, Context.Parent, run.File.Env!, _settings.Device.PollInterval);
        var thread = new Thread(() =>
        {
            string? failure = null;
            try
            {
                using var environment = real is null
                    ? RobotEnvironment.Open(run.File.Env!, new RobotEnvironmentOptions
                    {
                        UseEnvReward = true, Seed = run.File.Seed ?? 1000, ConfigFile = configPath, SimRealTime = !lockstep,
                        WrapTeleoperator = t => run.Operator = new OperatorOverride(t),
                    })
                    : RobotEnvironment.OpenOn(run.File.Env!, real.WaitForDevices(run.Stop.Token, sink.Warn), real.Teleoperator, new RobotEnvironmentOptions
                    {
                        Seed = run.File.Seed ?? 1000, ConfigFile = configPath, MaxStepPerTick = _robot.MaxStepPerTick ?? 25,
                        WrapTeleoperator = t => run.Operator = new OperatorOverride(t),
                    });
                using var replica = new PolicyReplica((GaussianActorConfig)run.File.Policy, sink.Warn);
                replica.CheckInputs(environment.ObservationFeatures(), configPath!);
                var loop = new HilSerlActorLoop(environment.Env, replica, _weights, sink, environment.ActionNames, environment.Teleop as ScriptedOperator)
                {
                    Seed = run.File.Seed ?? 1000,
                };
                run.Loop = loop;
                loop.Run(run.Stop.Token, () => run.Paused);
            }
            catch (Exception ex) when (ex is LeRobotConfigException or ArgumentException or InvalidOperationException or IOException
                                           or Devices.MotorBusCommunicationException or InvalidDataException)
            {
                failure = ex.Message;
            }
            catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
            {
                // Stopped while a real arm's devices were still connecting: nothing ran, nothing failed.
            }
            catch (Exception ex)
            {
                failure = $"{ex.GetType().Name}: {ex.Message}";
            }
            self.Tell(new ThreadEnded(failure));
        })
        {
            IsBackground = true, Name = "control-" + _robot.Id, Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
    }

    /// <summary>The line per episode the embedded default prints.</summary>
    private void Report(EpisodeClosed closed)
    {
        var e = closed.Summary;
        var figures = _run?.Loop?.Figures;
        var learner = _learner is null ? "not heard from" : $"step {_learner.OptimizationStep} at {_learner.UpdatesPerSecond:F1} updates/s";
        _log.Info($"robot {_robot.Id}: episode {e.Episode} {e.Outcome.ToString().ToLowerInvariant()} return {e.Return:F2} length {e.Length} " +
                  $"intervention {e.InterventionRate:P0} policy v{figures?.PolicyVersion ?? 0} learner {learner}");
    }

    private ControlStatus Status()
    {
        var f = _run?.Loop?.Figures;
        var state = _run is null ? (_detail is null ? ControlState.Idle : ControlState.Failed)
            : _run.Loop is null ? ControlState.Starting : _run.Paused ? ControlState.Paused : ControlState.Running;
        return new ControlStatus(_robot.Id, state, _detail, f?.Episode, f?.Step ?? 0, f?.PolicyVersion ?? 0, f?.Ticks ?? 0, f?.Overruns ?? 0,
            f?.LoopP50Ms ?? 0, f?.LoopP99Ms ?? 0, _run?.Operator?.Intervening ?? false, _acknowledged, f?.HeldTicks ?? 0);
    }
}
