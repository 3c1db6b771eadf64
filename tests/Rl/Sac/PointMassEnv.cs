namespace RobotActors.Rl.Tests.Sac;

/// <summary>
/// A point mass in a 1 m × 1 m arena that must reach a target: actions are displacements of at most
/// 0.1 m per axis, the reward is 1 only on arrival (within 0.1 m), which ends the episode.
/// </summary>
public sealed class PointMassEnv(int seed, int maxSteps = 40)
{
    public const double MaxStep = 0.1;
    public const double Radius = 0.1;
    private readonly Random _rng = new(seed);
    private double _x, _y, _tx, _ty;
    private int _steps;

    public float[] Observation => [(float)_x, (float)_y, (float)_tx, (float)_ty];
    public (double X, double Y) Position => (_x, _y);
    public (double X, double Y) Target => (_tx, _ty);

    public float[] Reset()
    {
        _x = _rng.NextDouble(); _y = _rng.NextDouble();
        do { _tx = _rng.NextDouble(); _ty = _rng.NextDouble(); }
        while (Distance() < 2 * Radius);
        _steps = 0;
        return Observation;
    }

    private double Distance() => Math.Sqrt((_x - _tx) * (_x - _tx) + (_y - _ty) * (_y - _ty));

    /// <summary>Returns (next observation, reward, done = reached, truncated = out of time).</summary>
    public (float[] Next, float Reward, bool Done, bool Truncated) Step(double dx, double dy)
    {
        _x = Math.Clamp(_x + Math.Clamp(dx, -MaxStep, MaxStep), 0, 1);
        _y = Math.Clamp(_y + Math.Clamp(dy, -MaxStep, MaxStep), 0, 1);
        _steps++;
        var reached = Distance() < Radius;
        return (Observation, reached ? 1f : 0f, reached, !reached && _steps >= maxSteps);
    }
}
