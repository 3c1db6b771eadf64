using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Operators;

/// <summary>
/// teleop.type = "scripted" (simulated robots only): a simulated human at the workcell. It sees the
/// ground truth (it looks at the scene), solves the task through the gamepad's end-effector delta
/// interface (<see cref="TaskPlan"/>), holds is_intervention while it intervenes
/// (<see cref="InterventionMode"/>), and presses success when the task is solved, failure when the cube
/// left the table, and rerecord_episode when its own demonstration failed to solve the task in time.
/// Each new workcell episode (Workcell.Reset) restarts its plan.
/// </summary>
public sealed class ScriptedOperator : IEventTeleoperator
{
    private readonly Workcell _workcell;
    private readonly ScriptedOperatorOptions _options;
    private readonly Queue<Vec3> _recent = new();
    private TaskPlan _plan;
    private Random _random;
    private long _episode = -1;
    private long _ticks;
    private int _interventionLeft;
    private int _outwardTicks;
    private double _bestDistance = double.PositiveInfinity;
    private long _bestTick;
    private bool _successPressed, _failurePressed, _rerecordPressed;
    private bool _pendingSuccess, _pendingFailure, _pendingRerecord;
    private IReadOnlyDictionary<string, double>? _policyAction;

    public ScriptedOperator(Workcell workcell, ScriptedOperatorOptions? options = null)
    {
        _workcell = workcell;
        _options = options ?? new ScriptedOperatorOptions();
        _options.Validate();
        _plan = TaskPlan.For(workcell.Task);
        _random = new Random(_options.Seed);
    }

    public ScriptedOperatorOptions Options => _options;
    public IReadOnlyList<string> ActionFeatures => ["delta_x", "delta_y", "delta_z", "gripper"];
    /// <summary>Whether it holds the intervention button now.</summary>
    public bool IsIntervening { get; private set; }
    /// <summary>The step of its plan it is at (for logs and tests).</summary>
    public string Phase { get; private set; } = "";
    /// <summary>Steps it has intervened on since it was made.</summary>
    public long InterventionSteps { get; private set; }

    /// <summary>Automatic mode: what the policy asked for this step (delta_x/y/z in [−1, 1]), to notice it heading out of bounds.</summary>
    public void ObservePolicyAction(IReadOnlyDictionary<string, double> action) => _policyAction = action;

    public Dictionary<string, double> GetAction()
    {
        var state = _workcell.State();
        if (state.Episode != _episode) StartEpisode(state.Episode);
        _ticks++;
        var step = _plan.Next(state);
        Phase = step.Phase;
        UpdateIntervention(state);
        if (IsIntervening) InterventionSteps++;
        Watch(state);
        var action = new Dictionary<string, double>(4);
        string[] axes = ["delta_x", "delta_y", "delta_z"];
        var target = Clamp(step.Target);
        var gain = Math.Min(1, _options.Gain / _options.Fps);
        Span<double> wanted = stackalloc double[3];
        var largest = 0.0;
        for (var i = 0; i < 3; i++)
        {
            wanted[i] = gain * (target[i] - state.EndEffector[i]) / _options.StepSizes[i];
            largest = Math.Max(largest, Math.Abs(wanted[i]));
        }
        // Slow down as a whole, so the hand keeps its direction (clamping each axis alone would bend the path).
        var scale = largest > step.Speed ? step.Speed / largest : 1;
        for (var i = 0; i < 3; i++)
            action[axes[i]] = Math.Clamp(wanted[i] * scale + Gaussian() * _options.Noise, -1, 1);
        action["gripper"] = step.Gripper;
        return action;
    }

    public Dictionary<TeleopEvent, bool> GetTeleopEvents()
    {
        Watch(_workcell.State());
        var events = new Dictionary<TeleopEvent, bool>
        {
            [TeleopEvent.IsIntervention] = IsIntervening,
            [TeleopEvent.Success] = _pendingSuccess,
            [TeleopEvent.Failure] = _pendingFailure,
            [TeleopEvent.RerecordEpisode] = _pendingRerecord,
            [TeleopEvent.TerminateEpisode] = _pendingFailure || _pendingRerecord,
        };
        _pendingSuccess = _pendingFailure = _pendingRerecord = false;
        return events;
    }

    /// <summary>Presses the buttons a human would, once each per episode.</summary>
    private void Watch(WorkcellState state)
    {
        if (state.Episode != _episode) StartEpisode(state.Episode);
        if (state.Success && !_successPressed) { _successPressed = true; _pendingSuccess = true; }
        if (state.CubeLost && !_failurePressed && !_successPressed) { _failurePressed = true; _pendingFailure = true; }
        if (_options.Intervention == InterventionMode.Always && !_successPressed && !_failurePressed && !_rerecordPressed
            && _ticks > _options.GiveUpSeconds * _options.Fps)
        {
            _rerecordPressed = true;
            _pendingRerecord = true;
        }
    }

    private void StartEpisode(long episode)
    {
        _episode = episode;
        _plan = TaskPlan.For(_workcell.Task);
        _random = new Random(unchecked(_options.Seed * 7919 + (int)episode));
        _ticks = 0;
        _interventionLeft = 0;
        _outwardTicks = 0;
        _bestDistance = double.PositiveInfinity;
        _recent.Clear();
        _successPressed = _failurePressed = _rerecordPressed = false;
        _pendingSuccess = _pendingFailure = _pendingRerecord = false;
    }

    private void UpdateIntervention(WorkcellState state)
    {
        var burst = Math.Max(1, (int)Math.Round(_options.InterventionSeconds * _options.Fps));
        switch (_options.Intervention)
        {
            case InterventionMode.Always:
                IsIntervening = true;
                return;
            case InterventionMode.Never:
                IsIntervening = false;
                return;
            case InterventionMode.Rate:
                if (_interventionLeft > 0) _interventionLeft--;
                else if (_options.InterventionRate >= 1) _interventionLeft = burst;
                else
                {
                    // Bursts of mean length `burst` starting with the probability that gives the asked fraction of time.
                    var start = _options.InterventionRate / (burst * (1 - _options.InterventionRate));
                    if (_random.NextDouble() < start) _interventionLeft = burst;
                }
                IsIntervening = _interventionLeft > 0;
                return;
            default:
                if (_interventionLeft > 0)
                {
                    _interventionLeft--;
                    IsIntervening = _interventionLeft > 0;
                    if (!IsIntervening) _recent.Clear();
                    return;
                }
                IsIntervening = false;
                if (state.Success) return;
                if (HeadingOut(state) || Stuck(state) || NoProgress(state))
                {
                    _interventionLeft = burst;
                    IsIntervening = true;
                    _recent.Clear();
                    _bestDistance = double.PositiveInfinity; // judged afresh from where the operator hands back
                }
                return;
        }
    }

    /// <summary>The policy pushes the end effector against a bound for three steps in a row.</summary>
    private bool HeadingOut(WorkcellState state)
    {
        if (_policyAction is not { } action) return false;
        string[] axes = ["delta_x", "delta_y", "delta_z"];
        var outward = false;
        for (var i = 0; i < 3; i++)
        {
            var d = action.GetValueOrDefault(axes[i]);
            var p = state.EndEffector[i];
            if ((d > 0.5 && p > _options.BoundsMax[i] - 0.005) || (d < -0.5 && p < _options.BoundsMin[i] + 0.005)) outward = true;
        }
        _outwardTicks = outward ? _outwardTicks + 1 : 0;
        return _outwardTicks >= 3;
    }

    /// <summary>The task came no closer than 1 cm past its best over the last NoProgressSeconds.</summary>
    private bool NoProgress(WorkcellState state)
    {
        if (_options.NoProgressSeconds <= 0) return false;
        var distance = _plan.DistanceToGoal(state);
        if (distance < _bestDistance - 0.01) // the first reading after a reset always is (the best starts at +inf)
        {
            _bestDistance = distance;
            _bestTick = _ticks;
            return false;
        }
        return _ticks - _bestTick >= Math.Max(2, (int)Math.Round(_options.NoProgressSeconds * _options.Fps));
    }

    /// <summary>The end effector moved less than 1 cm over the last StuckSeconds.</summary>
    private bool Stuck(WorkcellState state)
    {
        var window = Math.Max(2, (int)Math.Round(_options.StuckSeconds * _options.Fps));
        _recent.Enqueue(state.EndEffector);
        while (_recent.Count > window) _recent.Dequeue();
        if (_recent.Count < window) return false;
        var first = _recent.Peek();
        return _recent.All(p => (p - first).Length < 0.01);
    }

    private Vec3 Clamp(Vec3 p) => new(
        Math.Clamp(p.X, _options.BoundsMin[0], _options.BoundsMax[0]),
        Math.Clamp(p.Y, _options.BoundsMin[1], _options.BoundsMax[1]),
        Math.Clamp(p.Z, _options.BoundsMin[2], _options.BoundsMax[2]));

    private double Gaussian()
    {
        if (_options.Noise == 0) return 0;
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public void Dispose() { }
}
