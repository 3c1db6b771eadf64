namespace RobotActors.Rl.Tests.Sac;

/// <summary>
/// A point mass seen by a camera. It starts near the middle of a 1×1 arena and must reach a target placed
/// anywhere on a circle around the middle. The state holds only the mass's own position, so where the
/// target is — a green disc — can be known only from the 64×64 top-down image (which also shows the mass,
/// in red). Actions move the mass by at most 0.1 per axis; the reward is 1 on arrival, which ends the episode.
/// </summary>
/// <param name="mirroredTarget">Draw the target opposite its true place, to check that a policy follows the image.</param>
public sealed class ImageReachEnv(int seed, bool mirroredTarget = false, int maxSteps = 12)
{
    public const int Size = 64;
    public const double MaxStep = 0.1;
    public const double Radius = 0.12;
    private const double TargetCircle = 0.32;
    private const double DiscRadius = 0.07;
    private readonly Random _rng = new(seed);
    private double _x, _y, _tx, _ty;
    private int _steps;

    public float[] State => [(float)_x, (float)_y];
    public float[] TargetPosition => [(float)_tx, (float)_ty];

    /// <summary>The camera frame, CHW uint8: the mass in the red channel, the target in green, a grey-blue floor.</summary>
    public byte[] Frame()
    {
        var (drawnX, drawnY) = mirroredTarget ? (1 - _tx, 1 - _ty) : (_tx, _ty);
        var frame = new byte[3 * Size * Size];
        for (var row = 0; row < Size; row++)
        for (var col = 0; col < Size; col++)
        {
            var px = (col + 0.5) / Size;
            var py = (row + 0.5) / Size;
            var i = row * Size + col;
            if (Covers(px, py, _x, _y)) frame[i] = 255;
            if (Covers(px, py, drawnX, drawnY)) frame[Size * Size + i] = 255;
            frame[2 * Size * Size + i] = 80;
        }
        return frame;
    }

    private static bool Covers(double px, double py, double x, double y) =>
        (px - x) * (px - x) + (py - y) * (py - y) <= DiscRadius * DiscRadius;

    public void Reset()
    {
        _x = 0.4 + 0.2 * _rng.NextDouble();
        _y = 0.4 + 0.2 * _rng.NextDouble();
        var angle = 2 * Math.PI * _rng.NextDouble();
        _tx = 0.5 + TargetCircle * Math.Cos(angle);
        _ty = 0.5 + TargetCircle * Math.Sin(angle);
        _steps = 0;
    }

    /// <summary>Returns (reward, done = reached, truncated = out of time).</summary>
    public (float Reward, bool Done, bool Truncated) Step(double dx, double dy)
    {
        _x = Math.Clamp(_x + Math.Clamp(dx, -MaxStep, MaxStep), 0, 1);
        _y = Math.Clamp(_y + Math.Clamp(dy, -MaxStep, MaxStep), 0, 1);
        _steps++;
        var reached = Math.Sqrt((_x - _tx) * (_x - _tx) + (_y - _ty) * (_y - _ty)) < Radius;
        return (reached ? 1f : 0f, reached, !reached && _steps >= maxSteps);
    }
}
