using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Actors.Transitions;

// A node with the robot and learner roles: a robot's session records episodes of 10 state steps (the last one
// done, with its next observation) at about 100 steps/s while the learner trains on them, and the learner's
// status is printed twice a second as "learner <step> <weights version> <transitions received>", until it is
// killed. Usage: <data-dir> <train-config.json>
var (dataDir, trainConfig) = (args[0], args[1]);
var defaults = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "robotactors.conf")));
var settings = RobotActorsSettings.FromConfig(ConfigurationFactory.ParseString($$"""
    robotactors.data-dir = "{{dataDir.Replace("\\", "/")}}"
    robotactors.node.port = 0
    robotactors.node.roles = ["robot", "learner"]
    robotactors.log-level = WARNING
    robotactors.hilserl.config-path = "{{trainConfig.Replace("\\", "/")}}"
    """).WithFallback(defaults));
var node = RobotActorsNode.Start(settings, "learner-process");
await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30));

const string robot = "arm";
var session = node.System.ActorOf(SessionActor.Props(robot, SessionSettings.Default,
    TransitionFeeder.Props(SessionActor.PersistenceIdFor(robot), TransitionSettings.Default)), "session-" + robot);
await session.Ask<SessionStatus>(new StartSession(robot, "push_cube", 100), TimeSpan.FromSeconds(30));
var proxy = LearnerSingleton.Proxy(node.System);
_ = Task.Run(async () =>
{
    while (true)
    {
        try
        {
            var s = await proxy.Ask<LearnerStatus>(GetLearnerStatus.Instance, TimeSpan.FromSeconds(5));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learner {s.OptimizationStep} {s.WeightsVersion} {s.InteractionStep} {s.Phase}"));
        }
        catch (AskTimeoutException) { }
        await Task.Delay(500);
    }
});

while (true)
{
    var episode = (await session.Ask<EpisodeOpened>(new StartEpisode(robot), TimeSpan.FromSeconds(30))).Episode;
    for (var i = 0; i < 10; i++)
    {
        var done = i == 9;
        session.Tell(new RecordStep(robot, new StepRecord(episode, i, Observation(episode, i), [i * 0.1f - 0.5f, 0.2f, -0.1f, i % 3], done ? 1 : 0, done, false,
            i % 4 == 0, 0, 0, DateTimeOffset.UtcNow, done ? Observation(episode, i + 1) : null)), ActorRefs.NoSender);
        await Task.Delay(10);
    }
    await session.Ask<EpisodeClosed>(new EndEpisode(robot, episode, EpisodeOutcome.Success), TimeSpan.FromSeconds(30));
}

static Observation Observation(int episode, int index) => new(
    new Dictionary<string, float[]> { ["observation.state"] = [index, episode % 7, -index * 0.5f, 1, 2, 3] },
    new Dictionary<string, RobotActors.Datasets.Images.ImageFrame>());
