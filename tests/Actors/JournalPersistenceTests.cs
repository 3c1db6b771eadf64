using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Persistence;

namespace RobotActors.Actors.Tests;

/// <summary>
/// Events persisted by one actor system are recovered by the next one from the configured journal:
/// what a crash or a restart relies on.
/// </summary>
public sealed class JournalPersistenceTests
{
    private sealed record Append(string Value);
    private sealed class GetAll { public static readonly GetAll Instance = new(); }
    private sealed class SnapshotNow { public static readonly SnapshotNow Instance = new(); }

    /// <summary>A persistent actor that appends strings; its state is the list of strings.</summary>
    private sealed class Recorder : ReceivePersistentActor
    {
        private List<string> _values = [];

        public override string PersistenceId { get; }

        public Recorder(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<string>(v => _values.Add(v));
            Recover<SnapshotOffer>(o => _values = ((string[])o.Snapshot).ToList());
            Command<Append>(a =>
            {
                var sender = Sender;
                Persist(a.Value, v => { _values.Add(v); sender.Tell(LastSequenceNr); });
            });
            Command<GetAll>(_ => Sender.Tell(_values.ToArray()));
            Command<SnapshotNow>(_ => { SaveSnapshot(_values.ToArray()); Sender.Tell(true); });
            Command<SaveSnapshotSuccess>(_ => { });
        }
    }

    private static async Task PersistThenRecover(RobotActorsSettings settings)
    {
        var id = $"recorder-{Guid.NewGuid():N}";
        var config = NodeConfig.Build(settings);
        if (settings.Journal.Backend == JournalBackend.Sqlite) JournalConfig.PrepareSqlite(settings.Journal.Sqlite, settings.DataPath);

        var first = ActorSystem.Create("persist", ProviderLocal(config));
        try
        {
            var recorder = first.ActorOf(Props.Create(() => new Recorder(id)));
            for (var i = 1; i <= 3; i++)
                Assert.Equal((long)i, await recorder.Ask<long>(new Append($"step-{i}"), TimeSpan.FromSeconds(30)));
            Assert.True(await recorder.Ask<bool>(SnapshotNow.Instance, TimeSpan.FromSeconds(30)));
            Assert.Equal(4L, await recorder.Ask<long>(new Append("step-4"), TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await first.Terminate();
        }

        var second = ActorSystem.Create("persist", ProviderLocal(config));
        try
        {
            var recovered = second.ActorOf(Props.Create(() => new Recorder(id)));
            var values = await recovered.Ask<string[]>(GetAll.Instance, TimeSpan.FromSeconds(30));
            Assert.Equal(["step-1", "step-2", "step-3", "step-4"], values);
        }
        finally
        {
            await second.Terminate();
        }
    }

    /// <summary>The persistence tests need no cluster; a local provider keeps them fast and port-free.</summary>
    private static Config ProviderLocal(Config config) =>
        ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []").WithFallback(config);

    [Fact]
    public async Task Events_persisted_to_sqlite_are_recovered_by_a_new_actor_system()
    {
        using var dir = new TempDir();
        var settings = TestSettings.Create(dir.Path);

        await PersistThenRecover(settings);

        var journal = Path.Combine(dir.Path, settings.Journal.Sqlite.JournalFile);
        var snapshots = Path.Combine(dir.Path, settings.Journal.Sqlite.SnapshotFile);
        Assert.True(File.Exists(journal) && File.Exists(snapshots), "journal and snapshots live in separate files");
        Assert.Equal("wal", JournalConfig.SqliteJournalMode(journal));
        Assert.Equal("wal", JournalConfig.SqliteJournalMode(snapshots));
    }

    [Fact]
    public void Sqlite_runs_one_writer_and_postgres_several()
    {
        using var dir = new TempDir();
        var sqlite = NodeConfig.Build(TestSettings.Create(dir.Path));
        Assert.Equal(1, sqlite.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("SQLite.MS", sqlite.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.NotEqual(sqlite.GetString("akka.persistence.journal.sql.connection-string"), sqlite.GetString("akka.persistence.snapshot-store.sql.connection-string"));

        var pg = NodeConfig.Build(TestSettings.Create(dir.Path, "robotactors.journal.backend = postgres\nrobotactors.journal.postgres.parallelism = 4"));
        Assert.Equal(4, pg.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("PostgreSQL.15", pg.GetString("akka.persistence.journal.sql.provider-name"));
    }

    [PostgresFact]
    public async Task Events_persisted_to_postgres_are_recovered_by_a_new_actor_system()
    {
        using var dir = new TempDir();
        var settings = TestSettings.Create(dir.Path, $$"""
            robotactors.journal.backend = postgres
            robotactors.journal.postgres.connection-string = "{{PostgresFactAttribute.ConnectionString}}"
            """);

        await PersistThenRecover(settings);
    }
}
