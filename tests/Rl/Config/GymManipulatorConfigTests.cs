using RobotActors.Datasets.Images;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Tests.Config;

public sealed class GymManipulatorConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-gymcfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string RealConfig = Repository.Path("examples", "hilserl", "env_config_so101_real.json");

    private string Write(string json)
    {
        var path = Path.Combine(_dir, $"cfg{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string Edit(Func<string, string> change) => Write(change(File.ReadAllText(RealConfig)));

    [Fact]
    public void The_shipped_real_SO101_record_config_reads_with_LeRobots_keys()
    {
        var config = GymManipulatorConfigReader.Read(RealConfig);
        Assert.Equal("record", config.Mode);
        Assert.Equal(10, config.Env.Fps);
        Assert.Equal("so101_follower", config.Env.Robot!.Arm.Type);
        Assert.False(config.Env.Robot.IsSim);
        Assert.Equal("MJPG", config.Env.Robot.Cameras["front"].Fourcc);
        Assert.Equal("0", config.Env.Robot.Cameras["front"].IndexOrPath);
        Assert.Equal("gamepad", config.Env.Teleop!.Type);
        var p = config.Env.Processor;
        Assert.True(p.Observation.AddJointVelocityToObservation);
        Assert.Equal(new CropBox(120, 160, 320, 320), p.ImagePreprocessing.CropParamsDict["observation.images.front"]);
        Assert.Equal((128, 128), p.ImagePreprocessing.ResizeSize);
        Assert.Equal(-0.02, p.Gripper.GripperPenalty);
        Assert.Equal(200, config.Env.MaxEpisodeSteps);
        Assert.Equal([0.32, 0.15, 0.20], p.InverseKinematics!.BoundsMax);
        Assert.Null(p.RewardClassifier);
        Assert.Equal(15, config.Dataset!.NumEpisodesToRecord);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void A_misspelled_key_is_an_error_naming_its_JSON_path_the_file_and_the_key_meant()
    {
        var path = Edit(j => j.Replace("\"add_joint_velocity_to_observation\"", "\"add_joint_velocity_to_observaton\""));
        var e = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("env.processor.observation.add_joint_velocity_to_observaton: unknown key", e.Message);
        Assert.Contains("did you mean 'add_joint_velocity_to_observation'", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_path_and_the_value()
    {
        var e = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(Edit(j => j.Replace("\"fps\": 10", "\"fps\": \"ten\""))));
        Assert.Contains("env.fps: expected an integer, got \"ten\"", e.Message);
        var list = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(Edit(j => j.Replace("\"resize_size\": [128, 128]", "\"resize_size\": [128]"))));
        Assert.Contains("env.processor.image_preprocessing.resize_size: expected 2 numbers, got 1", list.Message);
    }

    [Fact]
    public void Keys_with_no_use_here_are_accepted_with_one_warning_each()
    {
        var path = Edit(j => j.Replace("\"push_to_hub\": false", "\"push_to_hub\": true").Replace("\"device\": \"cpu\"", "\"device\": \"cuda\"")
            .Replace("\"display_cameras\": false", "\"display_cameras\": true"));
        var config = GymManipulatorConfigReader.Read(path);
        Assert.Equal(3, config.Warnings.Count);
        Assert.Contains(config.Warnings, w => w.StartsWith("warning: dataset.push_to_hub is ignored"));
        Assert.Contains(config.Warnings, w => w.StartsWith("warning: device is ignored: \"cuda\""));
        Assert.Contains(config.Warnings, w => w.StartsWith("warning: env.processor.observation.display_cameras is ignored"));
    }

    [Fact]
    public void Flags_override_the_file_as_draccus_does_and_a_bad_flag_value_names_the_flag()
    {
        var config = GymManipulatorConfigReader.Read(RealConfig, new Dictionary<string, string>
        {
            ["env.fps"] = "5", ["dataset.root"] = "/tmp/elsewhere", ["env.robot.port"] = "sim", ["env.teleop.type"] = "scripted",
            ["env.processor.reset.control_time_s"] = "2",
        });
        Assert.Equal(5, config.Env.Fps);
        Assert.Equal(10, config.Env.MaxEpisodeSteps);
        Assert.Equal("/tmp/elsewhere", config.Dataset!.Root);
        Assert.True(config.Env.Robot!.IsSim);
        Assert.Equal("scripted", config.Env.Teleop!.Type);
        var e = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(RealConfig, new Dictionary<string, string> { ["env.fps"] = "fast" }));
        Assert.StartsWith("--env.fps=fast: env.fps: expected an integer", e.Message);
        var unknown = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(RealConfig, new Dictionary<string, string> { ["env.fpss"] = "5" }));
        Assert.Contains("env.fpss: unknown key; did you mean 'fps'?", unknown.Message);
    }

    [Fact]
    public void A_crop_outside_a_camera_names_the_camera_and_its_size()
    {
        var e = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(Edit(j => j.Replace("[120, 160, 320, 320]", "[300, 160, 320, 320]"))));
        Assert.Contains("env.processor.image_preprocessing.crop_params_dict.observation.images.front", e.Message);
        Assert.Contains("camera 'front', whose frames are 640x480", e.Message);
    }

    [Fact]
    public void Older_configs_with_the_end_effector_settings_on_the_robot_read_into_the_processor()
    {
        var path = Write("""
            {"env": {"type": "gym_manipulator", "fps": 10,
              "robot": {"type": "so100_follower_end_effector", "port": "/dev/ttyACM0", "urdf_path": "so101.urdf",
                        "end_effector_bounds": {"min": [0.26, -0.06, 0.22], "max": [0.32, 0.06, 0.35]},
                        "end_effector_step_sizes": {"x": 0.025, "y": 0.025, "z": 0.025}, "max_gripper_pos": 50},
              "teleop": {"type": "gamepad", "use_gripper": true},
              "processor": {"control_mode": "gamepad", "reset": {"fixed_reset_joint_positions": [0, 0, 0, 90, 0, 5]}}},
             "mode": null, "device": "cpu"}
            """);
        var config = GymManipulatorConfigReader.Read(path);
        Assert.Equal("so100_follower", config.Env.Robot!.Arm.Type);
        Assert.Equal("so101.urdf", config.Env.Processor.InverseKinematics!.UrdfPath);
        Assert.Equal([0.025, 0.025, 0.025], config.Env.Processor.InverseKinematics.StepSizes);
        Assert.Equal(50, config.Env.Processor.MaxGripperPos);
        Assert.Null(config.Mode);
    }

    [Fact]
    public void Record_mode_needs_a_dataset_and_replay_mode_an_episode()
    {
        var e = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(Edit(j => j.Replace("\"mode\": \"record\"", "\"mode\": \"replay\"").Replace("\"replay_episode\": 0", "\"replay_episode\": null"))));
        Assert.Contains("dataset.replay_episode: is required in replay mode", e.Message);
        var mode = Assert.Throws<LeRobotConfigException>(() => GymManipulatorConfigReader.Read(Edit(j => j.Replace("\"mode\": \"record\"", "\"mode\": \"recrod\""))));
        Assert.Contains("mode: \"recrod\" is not a mode", mode.Message);
    }
}
