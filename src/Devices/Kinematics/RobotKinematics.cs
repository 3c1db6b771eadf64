namespace RobotActors.Devices.Kinematics;

/// <summary>
/// LeRobot's RobotKinematics on a URDF chain: forward kinematics of a target frame from joint
/// angles in degrees, and damped-least-squares inverse kinematics — one step per control tick (as
/// LeRobot's single solver step) or iterated to convergence. Joints beyond the chain (the gripper)
/// pass through unchanged.
/// </summary>
public sealed class RobotKinematics
{
    private readonly List<UrdfJoint> _chain;
    private readonly int[] _moving;

    public RobotKinematics(UrdfModel model, string targetFrameName = "gripper_frame_link", IReadOnlyList<string>? jointNames = null)
    {
        _chain = model.ChainTo(targetFrameName);
        _moving = Enumerable.Range(0, _chain.Count).Where(i => _chain[i].Moves).ToArray();
        JointNames = jointNames?.ToList() ?? _moving.Select(i => _chain[i].Name).ToList();
        var chainNames = _moving.Select(i => _chain[i].Name).ToList();
        foreach (var name in JointNames.Take(chainNames.Count))
            if (!chainNames.Contains(name))
                throw new ArgumentException($"Joint '{name}' is not on the chain to '{targetFrameName}' ({string.Join(", ", chainNames)}).");
        TargetFrame = targetFrameName;
    }

    public string TargetFrame { get; }
    public IReadOnlyList<string> JointNames { get; }
    public int ChainDof => _moving.Length;
    /// <summary>Damping λ of the least-squares step: larger is steadier near singularities, slower to converge.</summary>
    public double Damping { get; init; } = 0.05;
    /// <summary>Largest joint change of one step (degrees): a far target is approached over several ticks, never in a lurch.</summary>
    public double MaxJointStepDeg { get; init; } = 10;

    /// <summary>The target frame's pose for joint angles in degrees (extra trailing values are ignored).</summary>
    public Transform ForwardKinematics(IReadOnlyList<double> jointsDeg) => Frames(jointsDeg).Last();

    /// <summary>FK from named joint values in degrees ("shoulder_pan" or "shoulder_pan.pos" keys), ordered along the chain.</summary>
    public Transform ForwardKinematics(IReadOnlyDictionary<string, double> jointsDegByName)
    {
        var q = new double[_moving.Length];
        for (var k = 0; k < _moving.Length; k++)
        {
            // The URDF's own joint name first, then the caller's name for that position in the chain.
            string[] names = k < JointNames.Count ? [_chain[_moving[k]].Name, JointNames[k]] : [_chain[_moving[k]].Name];
            var found = names.SelectMany(n => new[] { n, n + ".pos" }).FirstOrDefault(jointsDegByName.ContainsKey)
                ?? throw new ArgumentException($"No value for joint '{names[0]}'. Given: {string.Join(", ", jointsDegByName.Keys)}.");
            q[k] = jointsDegByName[found];
        }
        return ForwardKinematics(q);
    }

    /// <summary>
    /// One damped-least-squares step toward <paramref name="desired"/>, starting from the current
    /// joints (degrees). Weights trade position against orientation like LeRobot's soft frame task.
    /// </summary>
    public double[] InverseKinematics(IReadOnlyList<double> currentDeg, Transform desired, double positionWeight = 1.0, double orientationWeight = 0.01)
    {
        var q = currentDeg.ToArray();
        var frames = Frames(q);
        var tip = frames[^1];
        var dofs = _moving.Length;
        // Task error: weighted position error then weighted orientation error (6 rows).
        var error = new double[6];
        for (var i = 0; i < 3; i++) error[i] = positionWeight * (desired.P[i] - tip.P[i]);
        var rot = tip.OrientationErrorTo(desired);
        for (var i = 0; i < 3; i++) error[3 + i] = orientationWeight * rot[i];
        // Geometric Jacobian, rows weighted the same way.
        var jac = new double[6, dofs];
        for (var k = 0; k < dofs; k++)
        {
            var joint = _chain[_moving[k]];
            var frame = frames[_moving[k]] * joint.Origin; // joint frame before its own motion
            var axis = frame.Rotate(joint.Axis);
            if (joint.Type == JointType.Prismatic)
            {
                for (var i = 0; i < 3; i++) jac[i, k] = positionWeight * axis[i];
                continue;
            }
            double[] r = [tip.P[0] - frame.P[0], tip.P[1] - frame.P[1], tip.P[2] - frame.P[2]];
            jac[0, k] = positionWeight * (axis[1] * r[2] - axis[2] * r[1]);
            jac[1, k] = positionWeight * (axis[2] * r[0] - axis[0] * r[2]);
            jac[2, k] = positionWeight * (axis[0] * r[1] - axis[1] * r[0]);
            for (var i = 0; i < 3; i++) jac[3 + i, k] = orientationWeight * axis[i];
        }
        // dq = Jᵀ (J Jᵀ + λ² I)⁻¹ e
        var a = new double[6, 6];
        for (var i = 0; i < 6; i++)
            for (var j = 0; j < 6; j++)
            {
                double s = i == j ? Damping * Damping : 0;
                for (var k = 0; k < dofs; k++) s += jac[i, k] * jac[j, k];
                a[i, j] = s;
            }
        var y = Solve(a, error);
        var dq = new double[dofs];
        for (var k = 0; k < dofs; k++)
            for (var i = 0; i < 6; i++) dq[k] += jac[i, k] * y[i];
        var largest = _moving.Select((chainIndex, k) => _chain[chainIndex].Type == JointType.Prismatic ? 0 : Math.Abs(dq[k]) * 180 / Math.PI).Max();
        var scale = largest > MaxJointStepDeg ? MaxJointStepDeg / largest : 1.0;
        for (var k = 0; k < dofs; k++)
        {
            var joint = _chain[_moving[k]];
            var prismatic = joint.Type == JointType.Prismatic;
            var value = Math.Clamp((prismatic ? q[k] : q[k] * Math.PI / 180) + scale * dq[k], joint.Lower, joint.Upper);
            q[k] = prismatic ? value : value * 180 / Math.PI;
        }
        return q;
    }

    /// <summary>Repeats the step until the position error is below <paramref name="tolerance"/> metres or the budget is spent.</summary>
    public (double[] Joints, double PositionError, int Iterations) InverseKinematicsConverged(IReadOnlyList<double> currentDeg, Transform desired,
        double tolerance = 1e-4, int maxIterations = 200, double positionWeight = 1.0, double orientationWeight = 0.01)
    {
        var q = currentDeg.ToArray();
        var err = PositionError(q, desired);
        var i = 0;
        for (; i < maxIterations && err > tolerance; i++)
        {
            q = InverseKinematics(q, desired, positionWeight, orientationWeight);
            err = PositionError(q, desired);
        }
        return (q, err, i);
    }

    public double PositionError(IReadOnlyList<double> jointsDeg, Transform desired)
    {
        var p = ForwardKinematics(jointsDeg).P;
        return Math.Sqrt(Math.Pow(p[0] - desired.P[0], 2) + Math.Pow(p[1] - desired.P[1], 2) + Math.Pow(p[2] - desired.P[2], 2));
    }

    /// <summary>World poses after each joint of the chain (index i = after joint i).</summary>
    private List<Transform> Frames(IReadOnlyList<double> jointsDeg)
    {
        if (jointsDeg.Count < _moving.Length)
            throw new ArgumentException($"Expected at least {_moving.Length} joint values ({string.Join(", ", JointNames)}), got {jointsDeg.Count}.");
        var frames = new List<Transform>(_chain.Count);
        var pose = Transform.Identity;
        var k = 0;
        // frames[i] holds the pose *before* joint i; the last entry is the tip.
        foreach (var joint in _chain)
        {
            frames.Add(pose);
            double q = 0;
            if (joint.Moves)
            {
                var v = jointsDeg[k++];
                q = joint.Type == JointType.Prismatic ? v : v * Math.PI / 180;
            }
            pose = pose * joint.At(q);
        }
        frames.Add(pose);
        return frames;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (pivot != col)
            {
                for (var c = 0; c < n; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (var r = col + 1; r < n; r++)
            {
                var f = m[r, col] / m[col, col];
                for (var c = col; c < n; c++) m[r, c] -= f * m[col, c];
                x[r] -= f * x[col];
            }
        }
        for (var r = n - 1; r >= 0; r--)
        {
            for (var c = r + 1; c < n; c++) x[r] -= m[r, c] * x[c];
            x[r] /= m[r, r];
        }
        return x;
    }
}
