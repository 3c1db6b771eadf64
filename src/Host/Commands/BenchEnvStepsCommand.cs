using System.CommandLine;
using System.Diagnostics;
using RobotActors.Datasets.Images;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Env.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors bench envsteps`: the observation side of one control step with two cameras (crop to the region of
/// interest, resize to 128×128, to the policy's float tensors), done here on the uint8 frames and done as LeRobot does
/// (every pixel to float first: #2173); then whole control steps on the simulated workcell.
/// </summary>
public static class BenchEnvStepsCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measurement time of each figure.", DefaultValueFactory = _ => 3 };
        var command = new Command("envsteps", "Env processor cost with 2 × 640×480 cameras (uint8 crop/resize vs float-per-pixel), and control steps/s on the sim.") { seconds };
        command.SetAction((parse, _) => EnvCommandErrors.Run(() =>
        {
            var budget = TimeSpan.FromSeconds(parse.GetValue(seconds));
            torch.set_num_threads(1);
            var random = new Random(0);
            var frames = Enumerable.Range(0, 2).Select(_ =>
            {
                var b = new byte[480 * 640 * 3];
                random.NextBytes(b);
                return b;
            }).ToArray();
            var crops = new Dictionary<string, CropBox> { ["observation.images.front"] = new(120, 160, 320, 320), ["observation.images.wrist"] = new(0, 80, 480, 480) };
            var steps = new IProcessorStep[] { new VanillaObservationProcessorStep(), new ImageCropResizeProcessorStep(crops, (128, 128)), new AddBatchDimensionProcessorStep() };
            var ours = Measure(budget, () =>
            {
                using var scope = torch.NewDisposeScope();
                var t = new EnvTransition();
                t.Observation["pixels.front"] = torch.tensor(frames[0], [480, 640, 3]);
                t.Observation["pixels.wrist"] = torch.tensor(frames[1], [480, 640, 3]);
                t.Observation["agent_pos"] = torch.zeros(6);
                foreach (var s in steps) t = s.Process(t);
            });
            var lerobot = Measure(budget, () =>
            {
                using var scope = torch.NewDisposeScope();
                foreach (var (frame, (key, box)) in frames.Zip(crops))
                {
                    var image = torch.tensor(frame, [480, 640, 3]).permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32).div(255f);
                    var cropped = image[.., .., TensorIndex.Slice(box.Top, box.Top + box.Height), TensorIndex.Slice(box.Left, box.Left + box.Width)];
                    nn.functional.interpolate(cropped, [128, 128], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true).clamp(0, 1);
                }
            });
            Console.WriteLine("observation side, 2 cameras 640x480 -> crop -> 128x128 -> policy float tensors (1 thread):");
            Console.WriteLine($"  uint8 crop/resize (this runtime):      {ours.Ms,8:F3} ms/step  ({1000 / ours.Ms,7:F0} steps/s)");
            Console.WriteLine($"  float per pixel first (LeRobot #2173): {lerobot.Ms,8:F3} ms/step  ({1000 / lerobot.Ms,7:F0} steps/s)");

            foreach (var size in new[] { 128, 640 })
            {
                var config = SimEnv(size);
                using var environment = RobotEnvironment.Open(config, new RobotEnvironmentOptions { UseTeleoperator = false, Seed = 1 });
                var env = environment.Env;
                var observation = env.Reset(seed: 1, waitResetTime: false);
                var zero = new float[] { 0, 0, 0, 1 };
                var step = Measure(budget, () =>
                {
                    using var scope = torch.NewDisposeScope();
                    environment.Pipeline.PolicyBatch(observation);
                    observation = env.Step(zero).Next;
                });
                Console.WriteLine($"sim control step (physics, 2 cameras rendered at {size}x{(size == 640 ? 480 : size)}, env + action processors, policy batch): " +
                    $"{step.Ms:F2} ms/step, {1000 / step.Ms:F0} steps/s = {100 / step.Ms:F1}x real time at 10 Hz");
            }
            return Task.FromResult(ExitCodes.Ok);
        }, parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static HilSerlRobotEnvConfig SimEnv(int size)
    {
        var (w, h) = size == 640 ? (640, 480) : (size, size);
        var crops = size == 640
            ? new Dictionary<string, CropBox> { ["observation.images.front"] = new(120, 160, 320, 320), ["observation.images.wrist"] = new(0, 80, 480, 480) }
            : new Dictionary<string, CropBox>();
        return new HilSerlRobotEnvConfig
        {
            Fps = 10,
            Robot = new EnvRobotConfig
            {
                Arm = new Devices.Robots.ArmConfig { Type = "so101_follower", Port = EnvRobotConfig.SimPort },
                Cameras = new Dictionary<string, CameraConfig> { ["front"] = new() { Type = "opencv", Width = w, Height = h }, ["wrist"] = new() { Type = "opencv", Width = w, Height = h } },
            },
            Processor = new HilSerlProcessorConfig
            {
                InverseKinematics = new InverseKinematicsConfig { UrdfPath = Devices.Workcell.ArmModels.UrdfPath("so101_follower"), BoundsMin = [0.1, -0.2, 0.005], BoundsMax = [0.34, 0.2, 0.12] },
                ImagePreprocessing = new ImagePreprocessingConfig { CropParamsDict = crops, ResizeSize = (128, 128) },
                Observation = new ObservationConfig { AddJointVelocityToObservation = true, AddEePoseToObservation = true },
                Reset = new ResetConfig { ControlTimeS = 1e6 },
            },
        };
    }

    private static (double Ms, long Runs) Measure(TimeSpan budget, Action action)
    {
        action(); // warm up
        var clock = Stopwatch.StartNew();
        long runs = 0;
        while (clock.Elapsed < budget)
        {
            action();
            runs++;
        }
        return (clock.Elapsed.TotalMilliseconds / runs, runs);
    }
}
