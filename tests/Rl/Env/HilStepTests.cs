using System.Text.Json.Nodes;
using RobotActors.Datasets.Images;
using RobotActors.Devices.Teleoperators;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Processors;
using TorchSharp;

namespace RobotActors.Rl.Tests.Env;

/// <summary>The HIL-SERL steps one at a time, on hand-made transitions.</summary>
public sealed class HilStepTests
{
    private static readonly Dictionary<string, double> Joints = new()
    {
        ["shoulder_pan.pos"] = 0, ["shoulder_lift.pos"] = 0, ["elbow_flex.pos"] = 0, ["wrist_flex.pos"] = 0, ["wrist_roll.pos"] = 0, ["gripper.pos"] = 80,
    };

    private static EnvTransition WithJoints(IReadOnlyDictionary<string, double>? joints = null) =>
        new() { ComplementaryData = { [HilKeys.RawJointPositions] = joints ?? Joints } };

    [Fact]
    public void Every_step_is_registered_under_LeRobots_name_and_round_trips_its_config()
    {
        GymManipulatorProcessors.Register();
        string[] names =
        [
            "observation_processor", "joint_velocity_processor", "current_processor", "forward_kinematics_joints_to_ee_observation",
            "image_crop_resize_processor", "time_limit_processor", "gripper_penalty_processor", "reward_classifier_processor",
            "to_batch_processor", "device_processor", "add_teleop_action_as_complementary_data", "add_teleop_action_as_info",
            "intervention_action_processor", "map_tensor_to_delta_action_dict", "map_delta_action_to_robot_action", "ee_reference_and_delta",
            "ee_bounds_and_safety", "gripper_velocity_to_joint", "inverse_kinematics_ee_to_joints", "inverse_kinematics_rl_step",
        ];
        Assert.Empty(names.Except(ProcessorStepRegistry.Names));
        var crop = new ImageCropResizeProcessorStep(new Dictionary<string, CropBox> { ["observation.images.front"] = new(1, 2, 3, 4) }, (8, 9));
        var rebuilt = (ImageCropResizeProcessorStep)ProcessorStepRegistry.Create("image_crop_resize_processor", crop.GetConfig());
        Assert.Equal(new CropBox(1, 2, 3, 4), rebuilt.CropParams["observation.images.front"]);
        Assert.Equal((8, 9), rebuilt.ResizeSize);
        var bounds = (EEBoundsAndSafety)ProcessorStepRegistry.Create("ee_bounds_and_safety", new EEBoundsAndSafety([0, -1, 0], [1, 1, 2], 0.03).GetConfig());
        Assert.Equal([1, 1, 2], bounds.Max);
        Assert.Equal(0.03, bounds.MaxEeStepM);
    }

    [Fact]
    public void The_vanilla_step_renames_to_LeRobots_keys_and_keeps_frames_uint8_until_the_batch_step_makes_them_float_CHW()
    {
        var frame = torch.arange(0, 2 * 3 * 3, dtype: torch.ScalarType.Byte).reshape(2, 3, 3); // H=2, W=3, C=3
        var t = new VanillaObservationProcessorStep().Process(new EnvTransition
        {
            Observation = { [HilKeys.AgentPos] = torch.tensor(new double[] { 1, 2 }), ["pixels.front"] = frame },
        });
        Assert.Equal(torch.ScalarType.Float32, t.Observation[PolicyKeys.ObservationState].dtype);
        Assert.Equal(torch.ScalarType.Byte, t.Observation["observation.images.front"].dtype);
        var batched = new AddBatchDimensionProcessorStep().Process(t).Observation["observation.images.front"];
        Assert.Equal(new long[] { 1, 3, 2, 3 }, batched.shape);
        // pixel (y=1, x=2), channel 1 is byte 1*9 + 2*3 + 1 = 16
        Assert.Equal(16f / 255, batched[0, 1, 1, 2].item<float>(), 5);
        Assert.Throws<InvalidDataException>(() => new VanillaObservationProcessorStep().Process(new EnvTransition
        {
            Observation = { ["pixels.front"] = torch.zeros(3, 2, 2) },
        }));
    }

    [Fact]
    public void Joint_velocity_doubles_the_state_with_zeros_first_and_finite_differences_after()
    {
        var step = new JointVelocityProcessorStep(0.1);
        float[] Run(float[] q) => step.Process(new EnvTransition { Observation = { [PolicyKeys.ObservationState] = torch.tensor(q) } })
            .Observation[PolicyKeys.ObservationState].data<float>().ToArray();
        Assert.Equal([1, 2, 0, 0], Run([1, 2]));
        var second = Run([1.5f, 1]);
        Assert.Equal(5, second[2], 4);
        Assert.Equal(-10, second[3], 4);
        step.Reset();
        Assert.Equal([3, 3, 0, 0], Run([3, 3]));
    }

    [Fact]
    public void Crop_and_resize_work_on_the_bytes_and_a_crop_outside_the_frame_names_the_camera_and_its_size()
    {
        var pixels = new byte[6 * 8 * 3];
        for (var y = 0; y < 6; y++) for (var x = 0; x < 8; x++) pixels[(y * 8 + x) * 3] = (byte)(10 * y + x);
        var step = new ImageCropResizeProcessorStep(new Dictionary<string, CropBox> { ["observation.images.front"] = new(2, 3, 2, 4) }, null);
        var t = step.Process(new EnvTransition { Observation = { ["observation.images.front"] = torch.tensor(pixels, [6, 8, 3]) } });
        var cropped = t.Observation["observation.images.front"];
        Assert.Equal(new long[] { 2, 4, 3 }, cropped.shape);
        Assert.Equal(23, cropped[0, 0, 0].item<byte>());
        Assert.Equal(36, cropped[1, 3, 0].item<byte>());

        var uniform = new ImageFrame(40, 60, 3, Enumerable.Repeat((byte)200, 40 * 60 * 3).ToArray());
        var small = ImageCropResize.Apply(uniform, new CropBox(5, 5, 30, 50), (10, 12));
        Assert.Equal(10 * 12 * 3, small.Pixels.Length);
        Assert.All(small.Pixels, v => Assert.Equal(200, v)); // antialiased weights sum to one

        // Halving a ramp with the antialiased triangle filter (weights 1/8, 3/8, 3/8, 1/8) keeps its centre values.
        var ramp = new byte[4 * 64 * 3];
        for (var y = 0; y < 4; y++) for (var x = 0; x < 64; x++) for (var c = 0; c < 3; c++) ramp[(y * 64 + x) * 3 + c] = (byte)(4 * x);
        var half = ImageCropResize.Apply(new ImageFrame(4, 64, 3, ramp), null, (2, 32));
        for (var x = 1; x < 31; x++) Assert.Equal(4 * (2 * x + 0.5), half.Pixels[(32 + x) * 3 + 2], 0);

        var bad = new ImageCropResizeProcessorStep(new Dictionary<string, CropBox> { ["observation.images.front"] = new(400, 0, 100, 100) }, (64, 64));
        var e = Assert.Throws<ArgumentException>(() => bad.Validate("observation.images.front", 480, 640));
        Assert.Contains("observation.images.front", e.Message);
        Assert.Contains("640x480", e.Message);
    }

    [Fact]
    public void The_time_limit_truncates_after_max_episode_steps_actions_not_counting_the_reset_observation()
    {
        var step = new TimeLimitProcessorStep(3);
        Assert.False(step.Process(new EnvTransition()).IsTruncated());
        var flags = Enumerable.Range(0, 3).Select(_ => step.Process(new EnvTransition { Action = torch.zeros(4) }).IsTruncated()).ToArray();
        Assert.Equal([false, false, true], flags);
        step.Reset();
        Assert.False(step.Process(new EnvTransition { Action = torch.zeros(4) }).IsTruncated());
    }

    [Fact]
    public void Intervention_replaces_the_policy_action_with_the_teleoperators_and_success_ends_with_reward_one()
    {
        var step = new InterventionActionProcessorStep(useGripper: true, terminateOnSuccess: true);
        var t = new EnvTransition { Action = torch.tensor(new float[] { 0.5f, 0.5f, 0.5f, 2 }) };
        t.Info[HilKeys.IsIntervention] = true;
        t.Info[HilKeys.Success] = true;
        t.ComplementaryData[HilKeys.TeleopAction] = new Dictionary<string, double> { ["delta_x"] = -1, ["delta_y"] = 0, ["delta_z"] = 1 };
        t = step.Process(t);
        Assert.Equal([-1f, 0, 1, 1], t.ActionValues()); // no gripper from the operator: 1 = stay
        Assert.Equal([-1f, 0, 1, 1], (float[])t.ComplementaryData[HilKeys.TeleopAction]!);
        Assert.True(t.IsDone());
        Assert.Equal(1.0, t.RewardValue());

        var neutral = step.Process(new EnvTransition());
        Assert.Equal([0f, 0, 0, HilKeys.GripperStay], neutral.ActionValues());
        Assert.False(neutral.IsDone());
        Assert.Equal(0.0, neutral.RewardValue());
    }

    [Fact]
    public void The_gripper_index_means_0_close_1_stay_2_open_and_stay_keeps_the_last_command()
    {
        var step = new GripperVelocityToJoint(clipMax: 100, speedFactor: 0.1);
        double Run(double index, double measured)
        {
            var t = WithJoints(new Dictionary<string, double>(Joints) { ["gripper.pos"] = measured });
            t.RobotAction = new Dictionary<string, double> { ["gripper_vel"] = index };
            return step.Process(t).RobotAction!["gripper.pos"];
        }
        Assert.Equal(40, Run(HilKeys.GripperClose, 50), 6);   // 50 - 0.1 × 100
        Assert.Equal(30, Run(HilKeys.GripperClose, 45), 6);   // from the last command, not the jaws
        Assert.Equal(30, Run(HilKeys.GripperStay, 35), 6);    // jaws blocked at 35 by a cube: keep squeezing at 30
        Assert.Equal(40, Run(HilKeys.GripperOpen, 30), 6);
        step.Reset();
        Assert.Equal(100, Run(HilKeys.GripperOpen, 95), 6);   // clipped to max_gripper_pos
    }

    [Fact]
    public void The_gripper_penalty_applies_when_a_command_would_change_the_gripper_state()
    {
        var step = new GripperPenaltyProcessorStep(-0.02, maxGripperPos: 100);
        double Run(double gripperPos, float command)
        {
            var t = WithJoints(new Dictionary<string, double>(Joints) { ["gripper.pos"] = gripperPos });
            t.Action = torch.zeros(4);
            t.ComplementaryData[HilKeys.TeleopAction] = new[] { 0f, 0, 0, command };
            return (double)step.Process(t).ComplementaryData[HilKeys.DiscretePenalty]!;
        }
        step.Process(WithJoints()); // reset observation: gripper at 80 (open)
        Assert.Equal(0, Run(80, HilKeys.GripperOpen));    // open while open
        Assert.Equal(-0.02, Run(20, HilKeys.GripperClose)); // close while (it was) open
        Assert.Equal(0, Run(20, HilKeys.GripperStay));
        Assert.Equal(-0.02, Run(80, HilKeys.GripperOpen)); // open while closed
    }

    [Fact]
    public void The_bounds_step_clamps_and_counts_and_never_throws()
    {
        var step = new EEBoundsAndSafety([0, 0, 0], [1, 1, 1], maxEeStepM: 0.05);
        Dictionary<string, double>? Run(double x, double y, double z)
        {
            var t = new EnvTransition { RobotAction = new Dictionary<string, double> { ["ee.x"] = x, ["ee.y"] = y, ["ee.z"] = z, ["ee.wx"] = 0, ["ee.wy"] = 0, ["ee.wz"] = 0 } };
            return step.Process(t).RobotAction;
        }
        Assert.DoesNotContain("ee.x", Run(double.NaN, 0, 0)!.Keys); // nothing safe known yet: no target
        Assert.Equal(0.5, Run(0.5, 0.5, 0.5)!["ee.x"]);
        Assert.Equal(0.5, Run(double.PositiveInfinity, 0.5, 0.5)!["ee.x"]); // held
        var jump = Run(0.7, 0.5, 0.5)!;                                     // 20 cm: cut to 5 cm
        Assert.Equal(0.55, jump["ee.x"], 9);
        Assert.Equal(1, Run(0.58, 0.5, 2)!["ee.z"] > 0.5 ? 1 : 0);           // clipped to z 1, then cut to 5 cm
        Assert.Equal(2, step.NonFiniteCount);
        Assert.Equal(1, step.BoundsClampCount);
        Assert.Equal(2, step.StepClampCount);
    }

    [Fact]
    public void The_teleop_steps_put_the_action_in_complementary_data_and_the_events_in_info()
    {
        var teleop = new TestTeleop();
        teleop.Events[TeleopEvent.IsIntervention] = true;
        teleop.Events[TeleopEvent.RerecordEpisode] = true;
        var t = new AddTeleopEventsAsInfoStep(teleop).Process(new AddTeleopActionAsComplimentaryDataStep(teleop).Process(new EnvTransition()));
        Assert.True(t.Flag("is_intervention"));
        Assert.True(t.Flag("rerecord_episode"));
        Assert.False(t.Flag("success"));
        Assert.IsType<Dictionary<string, double>>(t.ComplementaryData["teleop_action"]);
        Assert.Throws<InvalidOperationException>(() => ProcessorStepRegistry.Create("add_teleop_action_as_info", new JsonObject()));
    }
}
