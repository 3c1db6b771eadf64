using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Physics;

/// <summary>One moving link of the arm and the revolute joint that moves it.</summary>
public sealed class ArmBody
{
    public required string Link { get; init; }
    public required string Joint { get; init; }
    /// <summary>Index of the parent body; -1 for the base (fixed to the table).</summary>
    public required int Parent { get; init; }
    public required Pose Origin { get; init; }
    public required Vec3 Axis { get; init; }
    public required double Lower { get; init; }
    public required double Upper { get; init; }
    public required double Mass { get; init; }
    public required Vec3 CenterOfMass { get; init; }
    public required LocalSphere[] Spheres { get; init; }
    /// <summary>Indices of this body and its ancestors (the joints a force on it turns).</summary>
    public int[] Chain { get; internal set; } = [];
    /// <summary>Bounding sphere of <see cref="Spheres"/> in the link frame (quick rejection).</summary>
    public LocalSphere Bound { get; internal set; }
}

/// <summary>
/// The static description of a simulated arm, built from its URDF: the moving bodies in tree order
/// (one revolute joint each), the base's collision spheres, the end-effector frame and the two jaws.
/// The moving jaw is the child of the joint named "gripper"; the fixed jaw is the collision shape of
/// that joint's parent link nearest the end-effector frame.
/// </summary>
public sealed class ArmMechanism
{
    public ArmMechanism(UrdfModel model, IReadOnlyList<string> jointOrder, string endEffectorFrame = "gripper_frame_link", string gripperJoint = "gripper")
    {
        Model = model;
        var root = model.Links.Single(l => !model.JointsByChild.ContainsKey(l));
        BaseLink = root;
        BaseSpheres = model.LinkDetails[root].Collisions.SelectMany(CollisionSpheres.FromShape).ToArray();
        var bodies = new List<ArmBody>();
        var fixedOffsets = new Dictionary<string, (int Body, Pose Offset)> { [root] = (-1, Pose.Identity) };
        // Breadth-first from the base, so parents always come before children.
        var queue = new Queue<string>([root]);
        while (queue.Count > 0)
        {
            var link = queue.Dequeue();
            foreach (var joint in model.Joints.Where(j => j.Parent == link))
            {
                var (parentBody, parentOffset) = fixedOffsets[link];
                if (joint.Type == JointType.Fixed)
                {
                    fixedOffsets[joint.Child] = (parentBody, parentOffset * Pose.From(joint.Origin));
                }
                else if (joint.Type is JointType.Revolute or JointType.Continuous)
                {
                    var details = model.LinkDetails[joint.Child];
                    bodies.Add(new ArmBody
                    {
                        Link = joint.Child, Joint = joint.Name, Parent = parentBody, Origin = parentOffset * Pose.From(joint.Origin),
                        Axis = Vec3.From(joint.Axis), Lower = joint.Lower, Upper = joint.Upper, Mass = details.Mass,
                        CenterOfMass = Vec3.From(details.CenterOfMass),
                        Spheres = details.Collisions.SelectMany(CollisionSpheres.FromShape).ToArray(),
                    });
                    fixedOffsets[joint.Child] = (bodies.Count - 1, Pose.Identity);
                }
                else
                {
                    throw new InvalidDataException($"Joint '{joint.Name}' is {joint.Type}; the simulator moves revolute joints only.");
                }
                queue.Enqueue(joint.Child);
            }
        }
        foreach (var body in bodies)
        {
            var chain = new List<int>();
            for (var b = bodies.IndexOf(body); b >= 0; b = bodies[b].Parent) chain.Add(b);
            body.Chain = chain.ToArray();
            body.Bound = Bound(body.Spheres);
        }
        Bodies = bodies;
        BodyOfJoint = jointOrder.Select(name => bodies.FindIndex(b => b.Joint == name) is var i and >= 0
            ? i : throw new ArgumentException($"The URDF '{model.Name}' has no revolute joint '{name}'. It has: {string.Join(", ", bodies.Select(b => b.Joint))}.")).ToArray();
        JointNames = jointOrder.ToArray();

        if (!fixedOffsets.TryGetValue(endEffectorFrame, out var ee))
            throw new ArgumentException($"The URDF '{model.Name}' has no link '{endEffectorFrame}' for the end effector.");
        (EndEffectorBody, EndEffectorOffset) = ee;
        MovingJaw = bodies.FindIndex(b => b.Joint == gripperJoint);
        if (MovingJaw < 0) throw new ArgumentException($"The URDF '{model.Name}' has no joint '{gripperJoint}' for the gripper.");
        GripperBody = bodies[MovingJaw].Parent;
        var tcp = EndEffectorBody == GripperBody ? EndEffectorOffset.P : Vec3.Zero;
        var palm = model.LinkDetails[bodies[GripperBody].Link].Collisions;
        if (palm.Count == 0) throw new ArgumentException($"Link '{bodies[GripperBody].Link}' has no collision shape to serve as the fixed jaw.");
        var fixedJaw = palm.MinBy(s => (Vec3.From(s.Origin.P) - tcp).Length)!;
        FixedJawSpheres = CollisionSpheres.FromShape(fixedJaw).ToArray();
        FixedJawCenter = Vec3.From(fixedJaw.Origin.P);
        var moving = bodies[MovingJaw].Spheres;
        MovingJawCenter = moving.Length == 0 ? Vec3.Zero : moving.Aggregate(Vec3.Zero, (acc, sp) => acc + sp.Center) / moving.Length;
        var jawSet = FixedJawSpheres.ToHashSet();
        // The fixed jaw's spheres are the gripper body's too; mark them so contacts know which is which.
        FixedJawFlags = bodies[GripperBody].Spheres.Select(jawSet.Contains).ToArray();
    }

    public UrdfModel Model { get; }
    public string BaseLink { get; }
    public IReadOnlyList<ArmBody> Bodies { get; }
    public LocalSphere[] BaseSpheres { get; }
    /// <summary>Servo order (shoulder_pan … gripper) → body index.</summary>
    public int[] BodyOfJoint { get; }
    public string[] JointNames { get; }
    public int EndEffectorBody { get; }
    public Pose EndEffectorOffset { get; }
    public int GripperBody { get; }
    public int MovingJaw { get; }
    public LocalSphere[] FixedJawSpheres { get; }
    /// <summary>Centre of the fixed jaw (gripper body frame) and of the moving jaw (its own frame).</summary>
    public Vec3 FixedJawCenter { get; }
    public Vec3 MovingJawCenter { get; }
    /// <summary>Per sphere of the gripper body: whether it belongs to the fixed jaw.</summary>
    public bool[] FixedJawFlags { get; }

    /// <summary>World poses of all bodies for joint angles q (radians, body order).</summary>
    public void Poses(ReadOnlySpan<double> q, Span<Pose> poses, Span<Pose> jointFrames)
    {
        for (var i = 0; i < Bodies.Count; i++)
        {
            var body = Bodies[i];
            var parent = body.Parent < 0 ? Pose.Identity : poses[body.Parent];
            var frame = parent * body.Origin;
            jointFrames[i] = frame;
            poses[i] = new Pose(frame.R * Mat3.AxisAngle(body.Axis, q[i]), frame.P);
        }
    }

    private static LocalSphere Bound(LocalSphere[] spheres)
    {
        if (spheres.Length == 0) return new LocalSphere(Vec3.Zero, 0);
        var c = spheres.Aggregate(Vec3.Zero, (acc, s) => acc + s.Center) / spheres.Length;
        return new LocalSphere(c, spheres.Max(s => (s.Center - c).Length + s.Radius));
    }
}
