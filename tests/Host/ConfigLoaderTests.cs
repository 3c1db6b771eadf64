using RobotActors.Actors.Configuration;
using RobotActors.Host.Configuration;

namespace RobotActors.Host.Tests;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotactors-config-").FullName;

    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "hocon");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_shipped_single_node_config_loads_with_both_roles_on_loopback_and_sqlite()
    {
        var loaded = ConfigLoader.Load(Path.Combine(Shipped, "single-node.conf"));

        Assert.Equal(["robot", "learner"], loaded.Settings.Node.Roles);
        Assert.Equal("127.0.0.1", loaded.Settings.Node.Hostname);
        Assert.Equal(4053, loaded.Settings.Node.Port);
        Assert.Empty(loaded.Settings.Node.SeedNodes);
        Assert.Equal(JournalBackend.Sqlite, loaded.Settings.Journal.Backend);
        Assert.True(Assert.Single(loaded.Settings.Robots).IsSimulated);
        Assert.Contains(loaded.Files, f => f.EndsWith("robotactors.conf", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("robot-node.conf", new[] { "robot" }, JournalBackend.Sqlite)]
    [InlineData("learner-node.conf", new[] { "learner" }, JournalBackend.Sqlite)]
    [InlineData("postgres.conf", new[] { "robot", "learner" }, JournalBackend.Postgres)]
    [InlineData("policy-node.conf", new[] { "policy" }, JournalBackend.Sqlite)]
    public void Every_shipped_config_loads(string file, string[] roles, JournalBackend backend)
    {
        var settings = ConfigLoader.Load(Path.Combine(Shipped, file)).Settings;
        Assert.Equal(roles, settings.Node.Roles);
        Assert.Equal(backend, settings.Journal.Backend);
    }

    [Fact]
    public void A_one_line_object_with_commas_and_an_empty_list_is_read_as_written()
    {
        var file = Write("one-line.conf", "robotactors { node { hostname = \"127.0.0.1\", port = 4061, seed-nodes = [] }, robots = [] }\n" +
                                          "robotactors.node { roles = [\"robot\"] }\n");
        var settings = ConfigLoader.Load(file).Settings;
        Assert.Equal(("127.0.0.1", 4061), (settings.Node.Hostname, settings.Node.Port));
        Assert.Empty(settings.Node.SeedNodes);
        Assert.Empty(settings.Robots);
        Assert.Equal(["robot"], settings.Node.Roles);
        var seeded = Write("one-line-seeds.conf", "robotactors { node { port = 4062, seed-nodes = [\"10.0.0.1:4053\"] } }\n");
        Assert.Equal("10.0.0.1", Assert.Single(ConfigLoader.Load(seeded).Settings.Node.SeedNodes).Host);
    }

    [Fact]
    public void An_akka_setting_robotactors_generates_is_refused_naming_the_setting_to_use_and_any_other_is_honoured()
    {
        var single = Path.Combine(Shipped, "single-node.conf");
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(single, ["akka.remote.dot-netty.tcp.port=4999"]));
        Assert.StartsWith("--set akka.remote.dot-netty.tcp.port=4999: akka.remote.dot-netty.tcp.port is set by RobotActors from robotactors.node.port", ex.Message);
        Assert.Contains("--set robotactors.node.port=<value>", ex.Message);
        var file = Write("akka.conf", "include \"single-node.conf\"\nakka.cluster.seed-nodes = [\"akka.tcp://robotactors@10.0.0.1:4053\"]\n");
        Assert.Contains("akka.cluster.seed-nodes is set by RobotActors from robotactors.node.seed-nodes", Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Message);

        // Tuning RobotActors does not generate is passed to Akka as given, ahead of the node's and the journal plugin's defaults.
        Assert.Contains("is set by RobotActors from robotactors.journal.backend",
            Assert.Throws<ConfigException>(() => ConfigLoader.Load(single, ["akka.persistence.journal.sql.auto-initialize=false"])).Message);
        var loaded = ConfigLoader.Load(single, ["akka.remote.dot-netty.tcp.maximum-frame-size=8MiB", "akka.persistence.journal.sql.batch-size=50"]);
        var akka = RobotActors.Actors.Hosting.NodeConfig.Build(loaded.Settings with { DataDir = _dir }, loaded.UserAkka);
        Assert.Equal("8MiB", akka.GetString("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(50, akka.GetInt("akka.persistence.journal.sql.batch-size"));
        Assert.NotEqual(50, Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration.GetInt("akka.persistence.journal.sql.batch-size")); // the plugin's default lost
        Assert.Equal(4053, akka.GetInt("akka.remote.dot-netty.tcp.port"));
    }

    [Fact]
    public void A_misspelled_key_is_named_with_its_file_and_the_likely_intended_key()
    {
        var file = Write("typo.conf", "robotactors.node.prot = 4060\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file));

        Assert.Contains("typo.conf", ex.Message);
        Assert.Contains("robotactors.node.prot", ex.Message);
        Assert.Contains("Did you mean robotactors.node.port?", ex.Message);
    }

    [Fact]
    public void A_misspelled_key_in_an_included_file_names_that_file()
    {
        Write("base.conf", "robotactors { journal { backnd = sqlite } }\n");
        var top = Write("top.conf", "include \"base.conf\"\nrobotactors.node.port = 4060\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top));

        Assert.Contains("base.conf", ex.Message);
        Assert.DoesNotContain("top.conf", ex.Message);
        Assert.Contains("robotactors.journal.backnd", ex.Message);
    }

    [Fact]
    public void An_unclosed_brace_is_a_syntax_error_naming_the_file_and_line()
    {
        var file = Write("broken.conf", "robotactors {\n  node {\n    port = 4060\n}\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file));

        Assert.Contains("broken.conf", ex.Message);
        Assert.Contains("syntax error", ex.Message);
        Assert.Contains("line 1", ex.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Path.Combine(_dir, "nope.conf")));
        Assert.Contains("config file not found", ex.Message);
        Assert.Contains("nope.conf", ex.Message);
    }

    [Fact]
    public void A_missing_include_is_named_with_the_including_file()
    {
        var file = Write("inc.conf", "include \"gone.conf\"\n");
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file));
        Assert.Contains("inc.conf", ex.Message);
        Assert.Contains("gone.conf", ex.Message);
    }

    [Theory]
    [InlineData("robotactors.node.port = abc", "robotactors.node.port", "whole number")]
    [InlineData("robotactors.node.port = 70000", "robotactors.node.port", "out of range")]
    [InlineData("robotactors.node.roles = robot", "robotactors.node.roles", "expected a list")]
    [InlineData("robotactors.node.roles = [pilot]", "robotactors.node.roles", "unknown role")]
    [InlineData("robotactors.console.timeout = soon", "robotactors.console.timeout", "duration")]
    [InlineData("robotactors.journal.backend = mongo", "robotactors.journal.backend", "not one of")]
    [InlineData("robotactors.node.seed-nodes = [\"nohost\"]", "robotactors.node.seed-nodes", "host:port")]
    public void A_value_of_the_wrong_type_names_the_file_and_the_key(string line, string key, string problem)
    {
        var file = Write("wrong.conf", line + "\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file));

        Assert.Contains("wrong.conf", ex.Message);
        Assert.Contains(key, ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Robot_entries_are_read_and_checked_key_by_key()
    {
        var good = Write("robots.conf", "robotactors.robots = [ { id = \"arm1\", type = \"so101_follower\", port = \"/dev/ttyACM0\", max-relative-target = 5 } ]\n");
        var robot = Assert.Single(ConfigLoader.Load(good).Settings.Robots);
        Assert.Equal(("arm1", "so101_follower", "/dev/ttyACM0", 5.0), (robot.Id, robot.Type, robot.Port, robot.MaxRelativeTarget!.Value));
        Assert.Null(robot.MaxStepPerTick);

        var typo = Write("robot-typo.conf", "robotactors.robots = [ { id = \"arm1\", type = \"so101_follower\", prot = \"/dev/ttyACM0\" } ]\n");
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(typo));
        Assert.Contains("robotactors.robots[0].prot", ex.Message);

        var type = Write("robot-type.conf", "robotactors.robots = [ { id = \"arm1\", type = \"so101_leader\", port = \"x\" } ]\n");
        Assert.Contains("not one of", Assert.Throws<ConfigException>(() => ConfigLoader.Load(type)).Message);

        var cameras = Write("robot-cameras.conf", "robotactors.robots = [ { id = a, type = so100_follower, port = x, cameras = [ { name = front, type = folder, path = /tmp/f, fps = 15 } ] } ]\n");
        var camera = Assert.Single(Assert.Single(ConfigLoader.Load(cameras).Settings.Robots).Cameras!);
        Assert.Equal(("front", "folder", "/tmp/f", 15, true), (camera.Name, camera.Type, camera.Path, camera.Fps, camera.Loop));

        var cameraTypo = Write("robot-camera-typo.conf", "robotactors.robots = [ { id = a, type = so100_follower, port = x, cameras = [ { name = front, type = folder, pth = /tmp/f } ] } ]\n");
        Assert.Contains("robotactors.robots[0].cameras[0].pth", Assert.Throws<ConfigException>(() => ConfigLoader.Load(cameraTypo)).Message);

        Write("robots-base.conf", "robotactors.robots = [ { id = a, type = so100_leader, port = x } ]\n");
        var including = Write("robots-top.conf", "include \"robots-base.conf\"\nrobotactors.node.port = 4060\n");
        var included = Assert.Throws<ConfigException>(() => ConfigLoader.Load(including)).Message;
        Assert.Contains("robots-base.conf", included);
        Assert.Contains("robotactors.robots[0].type", included);

        var twice = Write("robot-twice.conf", "robotactors.robots = [ { id = a, type = so100_follower, port = x }, { id = a, type = so100_follower, port = y } ]\n");
        Assert.Contains("used twice", Assert.Throws<ConfigException>(() => ConfigLoader.Load(twice)).Message);
    }

    [Fact]
    public void Set_overrides_the_file_and_a_bad_set_is_named_as_such()
    {
        var file = Write("ok.conf", "robotactors.node.port = 4060\n");

        var settings = ConfigLoader.Load(file, ["robotactors.node.port=4070", "robotactors.data-dir=/tmp/ra data", "robotactors.node.seed-nodes=[\"10.0.0.2:4053\"]"]).Settings;
        Assert.Equal(4070, settings.Node.Port);
        Assert.Equal("/tmp/ra data", settings.DataDir);
        Assert.Equal(new SeedNode("10.0.0.2", 4053), Assert.Single(settings.Node.SeedNodes));

        var unknown = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, ["robotactors.node.portt=1"]));
        Assert.Contains("--set robotactors.node.portt=1", unknown.Message);

        var wrong = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, ["robotactors.node.port=x"]));
        Assert.Contains("--set robotactors.node.port=x", wrong.Message);
        Assert.Contains("whole number", wrong.Message);

        var malformed = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, ["robotactors.node.port"]));
        Assert.Contains("expected path=value", malformed.Message);
    }

    [Fact]
    public void Defaults_apply_when_a_file_does_not_include_robotactors_conf()
    {
        var file = Write("minimal.conf", "robotactors.node.port = 4061\n");
        var settings = ConfigLoader.Load(file).Settings;
        Assert.Equal(4061, settings.Node.Port);
        Assert.Equal("robotactors", settings.SystemName);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Console.Timeout);
    }

    [Fact]
    public void The_embedded_defaults_match_the_shipped_robotactors_conf()
    {
        var embedded = ConfigLoader.Defaults.Value;
        var shipped = ConfigLoader.Load(Path.Combine(Shipped, "robotactors.conf")).Config;
        var keys = ConfigLoader.LeafKeys(embedded.Root, "").ToList();
        Assert.NotEmpty(keys);
        Assert.Equal(keys.Order(), ConfigLoader.LeafKeys(shipped.Root, "").Where(k => k.StartsWith("robotactors.", StringComparison.Ordinal)).Order());
        foreach (var key in keys) Assert.Equal(embedded.GetValue(key).ToString(), shipped.GetValue(key).ToString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
