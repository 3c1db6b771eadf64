using RobotActors.Devices.Cameras;
using RobotActors.Devices.Teleoperators;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Env.Processors;
using RobotActors.Datasets.Images;

namespace RobotActors.Rl.Tests.Env;

/// <summary>The shared control step on the emulated SO-101: the fixes of LeRobot's glue, teleoperation, cameras.</summary>
public sealed class ControlPipelineTests : IDisposable
{
    private readonly TestArm _arm = new();

    public void Dispose() => _arm.Dispose();

    private GymManipulatorEnv Env(ControlPipeline pipeline, HilSerlRobotEnvConfig config) => new(pipeline, new RealTimeClock(), config);

    [Fact]
    public void The_operators_intervention_survives_the_info_merge_and_its_action_is_the_one_recorded()
    {
        var teleop = new TestTeleop { Action = new() { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 1, ["gripper"] = 0 } };
        teleop.Events[TeleopEvent.IsIntervention] = true;
        var config = PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1]);
        var env = Env(PipelineRig.Make(_arm, config, teleop), config);
        env.Reset(waitResetTime: false);
        var step = env.Step([0.5f, 0.5f, -1, 2]);
        Assert.True(step.Events.Intervention);
        Assert.Equal(true, step.Info["is_intervention"]);
        Assert.Equal([0f, 0, 1, 0], step.Action);

        teleop.Events[TeleopEvent.IsIntervention] = false;
        var policyStep = env.Step([0.5f, 0.5f, -1, 2]);
        Assert.False(policyStep.Events.Intervention);
        Assert.Equal([0.5f, 0.5f, -1, 2], policyStep.Action);
    }

    [Fact]
    public void Each_action_is_recorded_with_the_observation_it_was_chosen_from()
    {
        var config = PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1], processor: p => p with
        {
            Observation = new ObservationConfig { AddJointVelocityToObservation = true, AddEePoseToObservation = true },
        });
        var env = Env(PipelineRig.Make(_arm, config, new TestTeleop()), config);
        var first = env.Reset(waitResetTime: false);
        Assert.Equal(6 + 6 + 3, first.State.Length);
        var a = env.Step([0, 0, 1, 1]);
        var b = env.Step([0, 0, 1, 1]);
        Assert.Same(first, a.Observation);
        Assert.Same(a.Next, b.Observation);
        Assert.NotEqual(a.Observation.State[14], b.Next.State[14]); // the end effector's z moved up
    }

    [Fact]
    public void Success_from_the_operator_ends_the_episode_with_reward_one_and_the_time_limit_truncates()
    {
        var teleop = new TestTeleop();
        var config = PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1], processor: p => p with
        {
            Reset = new ResetConfig { ControlTimeS = 0.3 }, // 3 steps at 10 fps
        });
        var env = Env(PipelineRig.Make(_arm, config, teleop), config);
        env.Reset(waitResetTime: false);
        var steps = Enumerable.Range(0, 3).Select(_ => env.Step(null)).ToList();
        Assert.Equal([false, false, true], steps.Select(s => s.Truncated));
        Assert.All(steps, s => Assert.False(s.Done));

        env.Reset(waitResetTime: false);
        teleop.Events[TeleopEvent.Success] = true;
        var success = env.Step(null);
        Assert.True(success.Done);
        Assert.Equal(1.0, success.Reward);
        Assert.True(success.Events.Success);
    }

    [Fact]
    public void Page_up_on_the_keyboard_raises_the_end_effector_and_c_closes_the_gripper()
    {
        var startZ = _arm.Kinematics.ForwardKinematics(_arm.Arm.GetObservation()).P[2];
        // The writer end is closed first (the reader thread then sees the end of input); closing the read end under a
        // blocked reader can hang.
        var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        var keys = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, pipe.ClientSafePipeHandle);
        using var closeKeys = new Closing(() => { pipe.Dispose(); Thread.Sleep(50); keys.Dispose(); });
        using var keyboard = new KeyboardTeleoperator(keys);
        void Press(string bytes)
        {
            var before = keyboard.KeysRead;
            pipe.Write(System.Text.Encoding.ASCII.GetBytes(bytes));
            pipe.Flush();
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (keyboard.KeysRead == before && DateTime.UtcNow < deadline) Thread.Sleep(1);
        }
        var config = PipelineRig.EndEffectorConfig(_arm, [-1, -1, 0], [1, 1, startZ + 0.05], step: 0.005);
        var env = Env(PipelineRig.Make(_arm, config, new TeleoperatorInControl(keyboard), maxStepPerTick: 10), config with { Fps = 30 });
        env.Reset(waitResetTime: false);
        Press("c");
        for (var i = 0; i < 36; i++)
        {
            Press("\u001b[5~"); // Page Up: delta_z = +1 this tick
            env.Step(null);
        }
        Thread.Sleep(300); // the servos finish the last goal

        var observation = _arm.Arm.GetObservation();
        var endZ = _arm.Kinematics.ForwardKinematics(observation).P[2];
        Assert.True(endZ - startZ > 0.03, $"z went from {startZ:F3} to {endZ:F3}");
        Assert.True(endZ <= startZ + 0.05 + 0.005, $"z {endZ:F3} beyond the bound {startZ + 0.05:F3}");
        Assert.True(observation["gripper.pos"] < 1, $"gripper at {observation["gripper.pos"]:F1} after 'c' (close)");
    }

    [Fact]
    public void Camera_frames_are_cropped_and_resized_as_uint8_and_reach_the_policy_as_float_CHW()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_arm.Folder, "front")).FullName;
        var pixels = new byte[48 * 64 * 3];
        for (var i = 0; i < pixels.Length; i += 3) pixels[i] = 255; // red
        File.WriteAllBytes(Path.Combine(folder, "0.png"), Png.Encode(new ImageFrame(48, 64, 3, pixels)));
        using var camera = new ImageFolderCamera(folder, fps: 30);
        camera.Connect();
        camera.AsyncRead(TimeSpan.FromSeconds(2));
        var config = PipelineRig.EndEffectorConfig(_arm, [-1, -1, -1], [1, 1, 1], processor: p => p with
        {
            ImagePreprocessing = new ImagePreprocessingConfig
            {
                CropParamsDict = new Dictionary<string, CropBox> { ["observation.images.front"] = new(8, 8, 32, 40) },
                ResizeSize = (16, 16),
            },
        });
        var pipeline = PipelineRig.Make(_arm, config, new TestTeleop(), new Dictionary<string, ICamera> { ["front"] = camera });
        var features = GymManipulatorProcessors.ObservationFeatures(pipeline.EnvProcessor, 6, new Dictionary<string, (int, int)> { ["front"] = (48, 64) });
        Assert.Equal([3, 16, 16], features["observation.images.front"].Shape);

        var observation = pipeline.Reset();
        var image = observation.Images["observation.images.front"];
        Assert.Equal((16, 16, 3), (image.Height, image.Width, image.Channels));
        Assert.Equal(255, image.Pixels[0]);
        var batch = pipeline.PolicyBatch(observation);
        Assert.Equal(new long[] { 1, 3, 16, 16 }, batch["observation.images.front"].shape);
        Assert.Equal(1f, batch["observation.images.front"][0, 0, 5, 5].item<float>(), 4);
        Assert.Equal(new long[] { 1, 6 }, batch[PolicyKeys.ObservationState].shape);
    }

    [Fact]
    public void Without_inverse_kinematics_the_action_is_the_joints_and_a_leader_style_teleoperator_drives_them()
    {
        var present = _arm.Arm.GetObservation();
        var target = present.ToDictionary(kv => kv.Key, kv => kv.Key == "elbow_flex.pos" ? kv.Value + 20 : kv.Value);
        var teleop = new TestTeleop { Action = target };
        var config = new HilSerlRobotEnvConfig { Fps = 20 };
        var env = Env(PipelineRig.Make(_arm, config, new TeleoperatorInControl(teleop), maxStepPerTick: 5), config);
        env.Reset(waitResetTime: false);
        var step = env.Step(null);
        Assert.Equal(6, step.Action.Length);
        Assert.Equal(present["elbow_flex.pos"] + 5, _arm.Goals()["elbow_flex.pos"], 0); // the safety step's 5 per tick
        for (var i = 0; i < 10; i++) env.Step(null);
        Assert.Equal(target["elbow_flex.pos"], _arm.Goals()["elbow_flex.pos"], 0);
    }

    private sealed class Closing(Action close) : IDisposable
    {
        public void Dispose() => close();
    }
}
