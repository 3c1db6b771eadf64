using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Physics;

/// <summary>
/// One arm, a table and a cube, stepped at a fixed time step. Deterministic: the same start state and
/// the same drive commands at the same steps give the same trajectory bit for bit.
///
/// Simplifications (by design):
/// - Joints are independent position-controlled servos: each sees its own effective inertia
///   (armature + the point masses of the links it carries), gravity and contact torques through the
///   Jacobian transpose; coupling and Coriolis terms between joints are ignored (the servos' gearing
///   dominates them on a real SO-101). The PD law is integrated implicitly, so it is stable at any gain.
/// - Links and jaws collide as sets of spheres (<see cref="CollisionSpheres"/>), never with each other.
/// - Arm-on-table and arm-on-blocked-cube contacts are stiff springs with damping and friction; the
///   cube is moved by position projection (<see cref="CubeBody"/>) and stays upright.
/// - Grasp: while both jaws touch opposite faces of the cube and the gripper closes, the cube is held
///   rigidly in the gripper and the moving jaw cannot close further (the servo's squeeze then shows
///   as load); it is let go when the moving jaw opens by <see cref="PhysicsSettings.ReleaseAngle"/>.
/// </summary>
public sealed class WorldPhysics
{
    private readonly ArmMechanism _arm;
    private readonly PhysicsSettings _s;
    private readonly int _n;
    private readonly Pose[] _poses, _frames;
    private readonly Vec3[] _axes;
    private readonly double[] _external, _inertia;
    private readonly Vec3[][] _sphereWorld; // per body, its spheres' centres in the world (updated with the poses)
    private Vec3 _heldOffset;
    private double _heldYaw, _gripStop;
    private long _steps;

    public WorldPhysics(ArmMechanism arm, CubeBody cube, PhysicsSettings? settings = null)
    {
        _arm = arm;
        _s = settings ?? new PhysicsSettings();
        if (!(_s.TimeStep > 0)) throw new ArgumentOutOfRangeException(nameof(settings), "The physics time step must be positive.");
        _n = arm.Bodies.Count;
        Cube = cube;
        Q = new double[_n];
        V = new double[_n];
        MotorTorque = new double[_n];
        Drives = new JointDrive[_n];
        _poses = new Pose[_n];
        _frames = new Pose[_n];
        _axes = new Vec3[_n];
        _external = new double[_n];
        _inertia = new double[_n];
        _sphereWorld = arm.Bodies.Select(b => new Vec3[b.Spheres.Length]).ToArray();
        UpdatePoses();
    }

    public ArmMechanism Arm => _arm;
    public PhysicsSettings Settings => _s;
    public CubeBody Cube { get; }
    /// <summary>Joint angles (rad) and velocities (rad/s), in body order.</summary>
    public double[] Q { get; }
    public double[] V { get; }
    /// <summary>The torque each servo's motor applied in the last step (N·m), in body order.</summary>
    public double[] MotorTorque { get; }
    /// <summary>The servos' commands, in body order: set them before stepping.</summary>
    public JointDrive[] Drives { get; }
    public long StepCount => _steps;
    public double Time => _steps * _s.TimeStep;
    public bool CubeHeld { get; private set; }
    /// <summary>Whether any arm sphere pressed on the table in the last step.</summary>
    public bool ArmTouchesTable { get; private set; }

    public ReadOnlySpan<Pose> BodyPoses => _poses;
    public Pose EndEffector => (_arm.EndEffectorBody < 0 ? Pose.Identity : _poses[_arm.EndEffectorBody]) * _arm.EndEffectorOffset;
    public Pose GripperPose => _poses[_arm.GripperBody];

    /// <summary>Midway between the two jaws' centres (the middle of what closed jaws push with).</summary>
    public Vec3 JawCenter => (_poses[_arm.GripperBody].Apply(_arm.FixedJawCenter) + _poses[_arm.MovingJaw].Apply(_arm.MovingJawCenter)) * 0.5;

    /// <summary>Places the arm (angles in body order, clamped to the joint limits) at rest; lets go of the cube.</summary>
    public void SetJoints(ReadOnlySpan<double> angles)
    {
        for (var i = 0; i < _n; i++)
        {
            Q[i] = Math.Clamp(angles[i], _arm.Bodies[i].Lower, _arm.Bodies[i].Upper);
            V[i] = 0;
            MotorTorque[i] = 0;
        }
        CubeHeld = false;
        UpdatePoses();
    }

    /// <summary>Places the cube at rest (its centre, its yaw).</summary>
    public void PlaceCube(Vec3 center, double yaw)
    {
        Cube.Position = center;
        Cube.Yaw = yaw;
        Cube.Velocity = Vec3.Zero;
        Cube.YawRate = 0;
        CubeHeld = false;
    }

    public void Step()
    {
        var dt = _s.TimeStep;
        ComputeExternalTorques();
        for (var i = 0; i < _n; i++) IntegrateJoint(i, dt);
        UpdatePoses();
        if (CubeHeld) FollowGripper(dt);
        else
        {
            StepCube(dt);
            DetectGrasp();
        }
        _steps++;
    }

    // ---- arm ----

    private void UpdatePoses()
    {
        _arm.Poses(Q, _poses, _frames);
        for (var i = 0; i < _n; i++)
        {
            _axes[i] = _frames[i].R * _arm.Bodies[i].Axis;
            var spheres = _arm.Bodies[i].Spheres;
            var world = _sphereWorld[i];
            var pose = _poses[i];
            for (var k = 0; k < spheres.Length; k++) world[k] = pose.Apply(spheres[k].Center);
        }
    }

    /// <summary>Adds the joint torques of force <paramref name="f"/> acting at <paramref name="point"/> on a body.</summary>
    private void ApplyForce(int body, Vec3 point, Vec3 f)
    {
        foreach (var j in _arm.Bodies[body].Chain)
            _external[j] += _axes[j].Cross(point - _frames[j].P).Dot(f);
    }

    /// <summary>Velocity of a point fixed to a body, from the joint velocities.</summary>
    private Vec3 PointVelocity(int body, Vec3 point)
    {
        var v = Vec3.Zero;
        foreach (var j in _arm.Bodies[body].Chain)
            v += _axes[j].Cross(point - _frames[j].P) * V[j];
        return v;
    }

    private void AddMass(int body, Vec3 point, double mass)
    {
        var weight = new Vec3(0, 0, -mass * _s.Gravity);
        foreach (var j in _arm.Bodies[body].Chain)
        {
            var lever = _axes[j].Cross(point - _frames[j].P);
            _external[j] += lever.Dot(weight);
            _inertia[j] += mass * lever.LengthSquared;
        }
    }

    private void ComputeExternalTorques()
    {
        Array.Clear(_external);
        Array.Fill(_inertia, _s.Armature);
        for (var b = 0; b < _n; b++)
            AddMass(b, _poses[b].Apply(_arm.Bodies[b].CenterOfMass), _arm.Bodies[b].Mass);
        if (CubeHeld) AddMass(_arm.GripperBody, Cube.Position, Cube.Mass);

        var touches = false;
        var k = _s.ContactStiffness;
        var c = _s.ContactDamping;
        double cos = Math.Cos(Cube.Yaw), sin = Math.Sin(Cube.Yaw);
        for (var b = 0; b < _n; b++)
        {
            var body = _arm.Bodies[b];
            // Quick rejection: the body's bounding sphere above the table and away from the cube.
            var bound = _poses[b].Apply(body.Bound.Center);
            var nearTable = bound.Z - body.Bound.Radius < 0;
            var nearCube = !CubeHeld && (bound - Cube.Position).Length < body.Bound.Radius + Cube.Half * 1.75;
            if (!nearTable && !nearCube) continue;
            var spheres = body.Spheres;
            var world = _sphereWorld[b];
            for (var i = 0; i < spheres.Length; i++)
            {
                var center = world[i];
                var radius = spheres[i].Radius;
                if (nearTable && center.Z < radius && OverTable(center))
                {
                    var depth = radius - center.Z;
                    var point = new Vec3(center.X, center.Y, 0);
                    var velocity = PointVelocity(b, point);
                    var normal = k * depth - c * velocity.Z;
                    if (normal > 0)
                    {
                        touches = true;
                        var slip = new Vec3(velocity.X, velocity.Y, 0);
                        var speed = slip.Length;
                        var friction = speed > 1e-9 ? slip * (-Math.Min(c, _s.TableFriction * normal / speed)) : Vec3.Zero;
                        ApplyForce(b, point, new Vec3(friction.X, friction.Y, normal));
                    }
                }
                if (nearCube && (center - Cube.Position).LengthSquared < Square(Cube.Half * 1.7321 + radius))
                {
                    // What the cube's projection could not resolve (it is blocked) pushes back on the arm.
                    var (gap, n, point) = CubeBody.Contact(Cube.Position, cos, sin, Cube.Half, center, radius);
                    if (gap < 0)
                    {
                        var normal = -k * gap - c * PointVelocity(b, point).Dot(n);
                        if (normal > 0) ApplyForce(b, point, n * normal);
                    }
                }
            }
        }
        if (CubeHeld)
        {
            // A held cube pushed into the table pushes the gripper back up.
            var bottom = Cube.Position.Z - Cube.Half;
            if (bottom < 0 && OverTable(Cube.Position))
            {
                var normal = -k * bottom - c * Cube.Velocity.Z;
                if (normal > 0) { ApplyForce(_arm.GripperBody, Cube.Position, new Vec3(0, 0, normal)); touches = true; }
            }
        }
        ArmTouchesTable = touches;
    }

    private void IntegrateJoint(int i, double dt)
    {
        ref readonly var drive = ref Drives[i];
        var body = _arm.Bodies[i];
        var inertia = _inertia[i];
        var v = V[i];
        var q = Q[i];
        var external = _external[i];
        var damping = _s.JointDamping;
        double motor = 0, next;
        if (drive.TorqueEnabled)
        {
            // Implicit PD: the motor torque uses the end-of-step position and velocity.
            var kp = drive.Kp;
            var kd = drive.Kd;
            next = (inertia * v / dt + kp * (drive.Goal - q) + external) / (inertia / dt + kp * dt + kd + damping);
            motor = kp * (drive.Goal - q - dt * next) - kd * next;
            if (Math.Abs(motor) > drive.TorqueLimit)
            {
                motor = Math.Sign(motor) * drive.TorqueLimit;
                next = (inertia * v / dt + motor + external) / (inertia / dt + damping);
            }
        }
        else
        {
            next = (inertia * v / dt + external) / (inertia / dt + damping);
        }
        // Coulomb friction: stops the joint when it can, else slows it.
        var friction = (drive.TorqueEnabled ? _s.FrictionLoss : _s.UnpoweredFriction) * dt / inertia;
        next = Math.Abs(next) <= friction ? 0 : next - Math.Sign(next) * friction;
        if (drive.TorqueEnabled) next = Math.Clamp(next, -drive.SpeedLimit, drive.SpeedLimit);
        q += dt * next;
        var lower = i == _arm.MovingJaw && CubeHeld ? Math.Max(body.Lower, _gripStop) : body.Lower;
        if (q < lower) { q = lower; next = 0; }
        if (q > body.Upper) { q = body.Upper; next = 0; }
        Q[i] = q;
        V[i] = next;
        MotorTorque[i] = motor;
    }

    private static double Square(double x) => x * x;

    private bool OverTable(Vec3 p) => p.X >= _s.TableMinX && p.X <= _s.TableMaxX && p.Y >= _s.TableMinY && p.Y <= _s.TableMaxY;

    // ---- cube ----

    private void StepCube(double dt)
    {
        var cube = Cube;
        var half = cube.Half;
        var m = cube.Mass;
        var inertia = cube.InertiaZ;
        var v = cube.Velocity + new Vec3(0, 0, -_s.Gravity * dt);
        var p = cube.Position + v * dt;
        var yaw = cube.Yaw + cube.YawRate * dt;
        double support = 0;
        for (var iteration = 0; iteration < _s.CubeIterations; iteration++)
        {
            ProjectOutOfSpheres(_arm.BaseSpheres, null, ref p, ref yaw, half, m, inertia);
            for (var b = 0; b < _n; b++)
            {
                var body = _arm.Bodies[b];
                var bound = _poses[b].Apply(body.Bound.Center);
                if ((bound - p).Length < body.Bound.Radius + half * 1.75)
                    ProjectOutOfSpheres(body.Spheres, _sphereWorld[b], ref p, ref yaw, half, m, inertia);
            }
            // The table (or the floor beside it) last, so the cube never ends a step inside it.
            var ground = OverTable(p) ? 0 : _s.FloorZ;
            if (p.Z - half < ground)
            {
                support += ground - (p.Z - half);
                p = p with { Z = ground + half };
            }
        }
        var velocity = (p - cube.Position) / dt;
        var yawRate = (yaw - cube.Yaw) / dt;
        if (support > 0)
        {
            // Coulomb friction from the normal impulse the support gave (m·support/dt).
            var budget = _s.TableFriction * support / dt;
            var slip = new Vec3(velocity.X, velocity.Y, 0);
            var speed = slip.Length;
            velocity = speed <= budget ? new Vec3(0, 0, velocity.Z) : velocity - slip * (budget / speed);
            var spinBudget = budget * 0.3826 * cube.Size * m / inertia; // torsional friction of a square face
            yawRate = Math.Abs(yawRate) <= spinBudget ? 0 : yawRate - Math.Sign(yawRate) * spinBudget;
            if (velocity.Z < 0) velocity = velocity with { Z = 0 };
        }
        cube.Position = p;
        cube.Yaw = yaw;
        cube.Velocity = velocity;
        cube.YawRate = yawRate;
    }

    /// <summary>Moves (and turns) the cube out of every sphere it overlaps; <paramref name="world"/> holds the centres (null: the local ones are world ones).</summary>
    private static void ProjectOutOfSpheres(LocalSphere[] spheres, Vec3[]? world, ref Vec3 p, ref double yaw, double half, double m, double inertia)
    {
        double cos = Math.Cos(yaw), sin = Math.Sin(yaw);
        for (var i = 0; i < spheres.Length; i++)
        {
            var center = world is null ? spheres[i].Center : world[i];
            var radius = spheres[i].Radius;
            var reach = half * 1.7321 + radius;
            if ((center - p).LengthSquared > reach * reach) continue;
            var (gap, n, point) = CubeBody.Contact(p, cos, sin, half, center, radius);
            if (gap >= 0) continue;
            var r = point - p;
            var lever = r.X * n.Y - r.Y * n.X;
            var lambda = -gap / (1 / m + lever * lever / inertia);
            p -= n * (lambda / m);
            yaw -= lever * lambda / inertia;
            cos = Math.Cos(yaw);
            sin = Math.Sin(yaw);
        }
    }

    // ---- grasp ----

    private double GripperYaw()
    {
        var r = _poses[_arm.GripperBody].R;
        var y = r.Column(1);
        if (y.X * y.X + y.Y * y.Y > 0.04) return Math.Atan2(y.Y, y.X);
        var x = r.Column(0);
        return Math.Atan2(x.Y, x.X);
    }

    private void DetectGrasp()
    {
        var jaw = _arm.MovingJaw;
        if (!Drives[jaw].TorqueEnabled || MotorTorque[jaw] >= 0) return; // the gripper must be squeezing (closing is toward lower angles)
        var fixedNormal = JawNormal(_arm.GripperBody, _arm.FixedJawFlags);
        if (fixedNormal is not { } nf) return;
        var movingNormal = JawNormal(jaw, null);
        if (movingNormal is not { } nm || nf.Dot(nm) > -0.5) return;
        CubeHeld = true;
        _gripStop = Q[jaw];
        _heldOffset = _poses[_arm.GripperBody].ApplyInverse(Cube.Position);
        _heldYaw = Cube.Yaw - GripperYaw();
    }

    /// <summary>Mean normal (cube → jaw) of the jaw's spheres touching the cube, or null when none does.</summary>
    private Vec3? JawNormal(int body, bool[]? only)
    {
        var spheres = _arm.Bodies[body].Spheres;
        var world = _sphereWorld[body];
        var sum = Vec3.Zero;
        var touching = 0;
        double cos = Math.Cos(Cube.Yaw), sin = Math.Sin(Cube.Yaw);
        for (var i = 0; i < spheres.Length; i++)
        {
            if (only is not null && !only[i]) continue;
            var (gap, n, _) = CubeBody.Contact(Cube.Position, cos, sin, Cube.Half, world[i], spheres[i].Radius);
            if (gap > _s.TouchTolerance) continue;
            sum += n;
            touching++;
        }
        return touching == 0 ? null : sum.Normalized();
    }

    private void FollowGripper(double dt)
    {
        var previous = Cube.Position;
        Cube.Position = _poses[_arm.GripperBody].Apply(_heldOffset);
        Cube.Yaw = GripperYaw() + _heldYaw;
        Cube.Velocity = (Cube.Position - previous) / dt;
        Cube.YawRate = 0;
        if (Q[_arm.MovingJaw] > _gripStop + _s.ReleaseAngle) CubeHeld = false;
    }
}
