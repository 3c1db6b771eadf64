using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace RobotActors.Actors.Session;

/// <summary>Reads a robot's session journal as it is stored (SQLite or PostgreSQL), event by event, without loading it whole.</summary>
public static class SessionJournal
{
    /// <summary>Every event of the robot's session journal, in order, handed to <paramref name="onEvent"/> one at a time.</summary>
    public static async Task ReadAsync(ActorSystem system, string robotId, Func<ISessionEvent, Task> onEvent, long fromJournalSeqNr = 0)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        await journal.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(robotId), fromJournalSeqNr, long.MaxValue)
            .SelectAsync(1, async envelope =>
            {
                if (envelope.Event is ISessionEvent e) await onEvent(e);
                return NotUsed.Instance;
            })
            .RunWith(Sink.Ignore<NotUsed>(), system.Materializer());
    }

    /// <summary>Exports the robot's finished episodes from its journal to a new LeRobotDataset v3 at <paramref name="root"/>.</summary>
    public static async Task<SessionExportResult> ExportAsync(ActorSystem system, string robotId, string root, SessionExportOptions? options = null)
    {
        var export = new SessionExport(root, options ?? new SessionExportOptions());
        await ReadAsync(system, robotId, export.OnEventAsync);
        return export.Finish();
    }
}
