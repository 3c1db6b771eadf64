using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using RobotActors.Actors.Configuration;

namespace RobotActors.Actors.Persistence;

/// <summary>
/// Turns <see cref="JournalSettings"/> into Akka.Persistence.Sql configuration, for SQLite (the embedded
/// default) or PostgreSQL.
/// </summary>
public static class JournalConfig
{
    /// <summary>
    /// The plugin's own reference settings (plugin classes, table mappings) are not picked up from HOCON
    /// alone, so they are added here as the fallback beneath ours.
    /// </summary>
    public static Config Build(JournalSettings journal, string dataPath) => Own(journal, dataPath).WithFallback(SqlPersistence.DefaultConfiguration);

    /// <summary>Only what the settings decide (plugin choice, connections, parallelism), without the plugin's defaults.</summary>
    public static Config Own(JournalSettings journal, string dataPath) => journal.Backend switch
    {
        JournalBackend.Sqlite => Sqlite(journal.Sqlite, dataPath),
        _ => Postgres(journal.Postgres),
    };

    /// <summary>
    /// SQLite allows one writer at a time even in WAL mode, so the journal runs with parallelism 1,
    /// and snapshots live in their own file so a snapshot write never waits on the journal.
    /// </summary>
    public static Config Sqlite(SqliteJournalSettings sqlite, string dataPath)
    {
        var journal = SqliteConnectionString(Path.Combine(dataPath, sqlite.JournalFile), sqlite.BusyTimeout);
        var snapshots = SqliteConnectionString(Path.Combine(dataPath, sqlite.SnapshotFile), sqlite.BusyTimeout);
        return Plugins(journal, snapshots, "SQLite.MS", parallelism: 1, schema: null);
    }

    public static Config Postgres(PostgresJournalSettings pg) =>
        Plugins(pg.ConnectionString, pg.ConnectionString, "PostgreSQL.15", pg.Parallelism, pg.Schema);

    public static string SqliteConnectionString(string file, TimeSpan busyTimeout) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = file,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
            Pooling = true,
        }.ToString();

    /// <summary>
    /// Creates the SQLite files if needed and switches them to write-ahead logging. WAL is a property
    /// of the database file, so setting it once here is enough for every later connection.
    /// </summary>
    public static void PrepareSqlite(SqliteJournalSettings sqlite, string dataPath)
    {
        Directory.CreateDirectory(dataPath);
        foreach (var file in new[] { sqlite.JournalFile, sqlite.SnapshotFile })
        {
            var path = Path.Combine(dataPath, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var connection = new SqliteConnection(SqliteConnectionString(path, sqlite.BusyTimeout));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Reads back the journal mode of a SQLite file ("wal" once prepared).</summary>
    public static string SqliteJournalMode(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return (string)command.ExecuteScalar()!;
    }

    private static Config Plugins(string journalConnection, string snapshotConnection, string provider, int parallelism, string? schema)
    {
        var schemaLine = schema is null ? "" : $"schema-name = {Quote(schema)}";
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{Quote(journalConnection)}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                  parallelism = {{parallelism}}
                  tag-write-mode = TagTable
                  default { {{schemaLine}} }
                }
              }
              query.journal.sql {
                connection-string = {{Quote(journalConnection)}}
                provider-name = "{{provider}}"
                tag-read-mode = TagTable
                default { {{schemaLine}} }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{Quote(snapshotConnection)}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                  default { {{schemaLine}} }
                }
              }
            }
            """);
    }

    /// <summary>Every Akka key <see cref="Own"/> sets, whatever the backend: a user's value for one would be overridden.</summary>
    public static readonly IReadOnlySet<string> GeneratedKeys =
        HoconKeys.Leaves(Plugins("journal", "snapshots", "provider", parallelism: 1, schema: "schema").Root).ToHashSet();

    internal static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
