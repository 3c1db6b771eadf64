using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Persistence;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Datasets.Images;

// Records steps of one episode into a SQLite session journal at 30 Hz, as a control loop would, and prints
// "acked <durable steps>" for every acknowledgement, until it is killed. Usage: <data-dir> <robot-id>
var (dataDir, robot) = (args[0], args[1]);
var sqlite = new SqliteJournalSettings("journal.db", "snapshots.db", TimeSpan.FromSeconds(30));
JournalConfig.PrepareSqlite(sqlite, dataDir);
var journal = JournalConfig.Build(new JournalSettings(JournalBackend.Sqlite, sqlite, new PostgresJournalSettings("", "public", 1)), dataDir);
var config = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.loglevel = WARNING")
    .WithFallback(ConfigurationFactory.ParseString(ProtocolSerializer.Hocon)).WithFallback(journal);
var system = ActorSystem.Create("session-process", config);

var session = system.ActorOf(SessionActor.Props(robot, SessionSettings.Default), "session");
await session.Ask<SessionStatus>(new StartSession(robot, "push_cube", 30), TimeSpan.FromSeconds(30));
var episode = (await session.Ask<EpisodeOpened>(new StartEpisode(robot), TimeSpan.FromSeconds(30))).Episode;
var loop = system.ActorOf(Props.Create(() => new AckPrinter()), "loop");
Console.WriteLine($"episode {episode}");

var clock = System.Diagnostics.Stopwatch.StartNew();
for (var i = 0; ; i++)
{
    var frames = new[] { "front", "wrist" }.ToDictionary(c => $"observation.images.{c}", c => Frame(i, c.Length));
    var observation = new Observation(new Dictionary<string, float[]> { ["observation.state"] = [i, 0.5f, -1] }, frames);
    session.Tell(new RecordStep(robot, new StepRecord(episode, i, observation, [i * 0.01f], 0, false, false, i % 10 < 3, 0, 0, DateTimeOffset.UtcNow)), loop);
    var next = TimeSpan.FromSeconds((i + 1) / 30.0) - clock.Elapsed;
    if (next > TimeSpan.Zero) await Task.Delay(next);
}

static ImageFrame Frame(int step, int camera)
{
    var pixels = new byte[64 * 64 * 3];
    for (var p = 0; p < pixels.Length; p++) pixels[p] = (byte)(p + step * 3 + camera);
    return new ImageFrame(64, 64, 3, pixels);
}

internal sealed class AckPrinter : ReceiveActor
{
    public AckPrinter() => Receive<StepsAcknowledged>(a => Console.WriteLine($"acked {a.DurableSteps}"));
}
