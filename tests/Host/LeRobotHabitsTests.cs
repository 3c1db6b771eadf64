using System.CommandLine;
using RobotActors.Devices.Cameras;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Serial;
using RobotActors.Host.ConsoleUi;
using RobotActors.Host.Tests.Policies;

namespace RobotActors.Host.Tests;

/// <summary>Issue 12.7: LeRobot's flags and habits on the command line.</summary>
[Collection("console")]
public sealed class LeRobotHabitsTests
{
    private static IEnumerable<Command> AllCommands(Command c) => new[] { c }.Concat(c.Subcommands.SelectMany(AllCommands));

    [Fact]
    public async Task No_help_ends_with_System_CommandLine_boilerplate_and_train_says_what_its_extra_arguments_are()
    {
        foreach (var command in AllCommands(Cli.Build()).Skip(1))
        {
            var path = new List<string>();
            for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault()) path.Insert(0, c.Name);
            var (code, output, _) = await InProcessCli.RunAsync([.. path, "--help"]);
            Assert.Equal(0, code);
            Assert.Contains("Usage:", output);
            Assert.DoesNotContain("Arguments passed to the application", output);
            Assert.DoesNotContain("additional arguments", output);
        }
        var train = (await InProcessCli.RunAsync("train", "--help")).Out;
        Assert.Contains(" train [options] [--policy.<field>=<value> ...]", train); // the program name is the test host here
        Assert.Contains("Policy fields:", train);
        Assert.Contains("--dataset.repo_id", train);
        var teleoperate = (await InProcessCli.RunAsync("teleoperate", "--help")).Out;
        Assert.Contains("Teleoperator type: so100_leader, so101_leader, koch_leader, gamepad, keyboard.", teleoperate);
        Assert.Contains("--display_data", teleoperate);
        Assert.Contains("[default: gripper_frame_link]", (await InProcessCli.RunAsync("find-joint-limits", "--help")).Out);
    }

    [Fact]
    public void Display_data_is_accepted_and_without_a_terminal_warns_once_and_draws_frames_as_colour_blocks()
    {
        var parsed = Cli.Build().Parse(["teleoperate", "--robot.type", "so101_follower", "--robot.port", "/dev/null", "--teleop.type", "keyboard", "--display_data=true"]);
        Assert.Empty(parsed.Errors);

        using var warnings = new StringWriter();
        Assert.Null(TerminalDisplay.Open(true, TextWriter.Null, warnings)); // the test's output is redirected
        Assert.Equal("warning: --display_data: no display is available (the output is not a terminal); joint values are printed once a second instead\n", warnings.ToString().Replace("\r\n", "\n"));
        Assert.Null(TerminalDisplay.Open(false, TextWriter.Null, warnings));

        // 2x2 RGB: red, green on top; blue, white below → one text row of two half blocks.
        var frame = new Frame([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], 2, 2, 3, DateTime.UtcNow, 7);
        var text = TerminalDisplay.Render(new Dictionary<string, double> { ["shoulder_pan.pos"] = 12.345 }, new Dictionary<string, Frame> { ["front"] = frame }, 48);
        Assert.Equal("front (2x2, frame 7)\n" +
                     "\u001b[38;2;255;0;0m\u001b[48;2;0;0;255m\u2580\u001b[38;2;0;255;0m\u001b[48;2;255;255;255m\u2580\u001b[0m\n" +
                     "shoulder_pan.pos       12.35\n", text);
    }

    [Fact]
    public async Task Ids_take_both_forms_unsupported_baud_rates_are_refused_and_silence_points_to_motors_scan()
    {
        using var emu = ServoBusEmulator.ForArm(3);
        var (code, output, error) = await InProcessCli.RunAsync("motors", "ping", "--port", emu.PortPath, "--id", "1,2", "--id", "3");
        Assert.True(code == 0, error);
        Assert.Equal(["id=1 model=sts3215 (777)", "id=2 model=sts3215 (777)", "id=3 model=sts3215 (777)"], output.Trim().Split('\n'));

        var packets = emu.PacketsReceived;
        foreach (var baud in new[] { "12345", "-1" })
        {
            (code, _, error) = await InProcessCli.RunAsync("motors", "ping", "--port", emu.PortPath, "--id", "1", "--baudrate", baud);
            Assert.NotEqual(0, code);
            Assert.Contains($"--baudrate {baud}: feetech servos do not run at that rate; supported: 4800, 9600", error);
        }
        Assert.Equal(packets, emu.PacketsReceived); // refused before the port was opened

        (code, output, error) = await InProcessCli.RunAsync("motors", "ping", "--port", emu.PortPath, "--id", "1", "--baudrate", "500000");
        Assert.Equal(1, code);
        Assert.Equal("id=1 no answer", output.Trim());
        Assert.Contains($"run `robotactors motors scan --port {emu.PortPath} --protocol feetech`", error);

        (code, _, error) = await InProcessCli.RunAsync("motors", "ping", "--port", emu.PortPath, "--id", "1,x");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--id: 'x' is not a servo id", error);
    }

    [Fact]
    public async Task Find_port_and_doctor_give_the_same_answer_about_this_machines_serial_ports()
    {
        var (_, output, _) = await InProcessCli.RunAsync("doctor");
        var line = output.Split('\n').Single(l => l.Contains("serial ports"));
        foreach (var port in PortFinder.Find())
            Assert.Contains($"{port.Path} ({port.Kind})", line);
        if (File.Exists("/dev/ttyS0") && !PortFinder.Find().Any(p => p.Path == "/dev/ttyS0"))
            Assert.DoesNotContain("/dev/ttyS0", line);
    }

    [Fact]
    public async Task A_repo_id_alone_finds_the_dataset_under_HF_LEROBOT_HOME()
    {
        var home = Directory.CreateTempSubdirectory("lerobot-home-").FullName;
        var saved = Environment.GetEnvironmentVariable("HF_LEROBOT_HOME");
        try
        {
            await TinyDataset.WriteAsync(Path.Combine(home, "me", "tiny"));
            Environment.SetEnvironmentVariable("HF_LEROBOT_HOME", home);
            var (code, output, error) = await InProcessCli.RunAsync("train", "--dataset.repo_id", "me/tiny", "--policy.type=sac", "--policy.latent_dim=8",
                "--policy.critic_network_kwargs.hidden_dims=[8]", "--policy.actor_network_kwargs.hidden_dims=[8]", "--steps", "1",
                "--output_dir", Path.Combine(home, "out"), "--num_threads", "1", "--plugins", Path.Combine(home, "none"));
            Assert.True(code == 0, error);
            Assert.Contains("Done: step 1", output);
            var trainConfig = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(home, "out", "checkpoints", "last", "pretrained_model", "train_config.json")))!;
            Assert.Equal("me/tiny", trainConfig["dataset"]!["repo_id"]!.GetValue<string>());
            Assert.Equal(Path.Combine(home, "me", "tiny"), trainConfig["dataset"]!["root"]!.GetValue<string>());

            (code, _, error) = await InProcessCli.RunAsync("train", "--dataset.repo_id", "me/absent", "--policy.type=sac", "--steps", "1", "--output_dir", Path.Combine(home, "out2"));
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains($"dataset 'me/absent' is not at {Path.Combine(home, "me", "absent")}", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_LEROBOT_HOME", saved);
            Directory.Delete(home, recursive: true);
        }
    }
}
