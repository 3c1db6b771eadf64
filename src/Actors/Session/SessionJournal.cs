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

    /// <summary>The ids of every robot with a session journal in this store.</summary>
    public static async Task<IReadOnlyList<string>> RobotsAsync(ActorSystem system)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var ids = await journal.CurrentPersistenceIds().RunWith(Sink.Seq<string>(), system.Materializer());
        return ids.Where(id => id.StartsWith(SessionActor.PersistenceIdFor(""), StringComparison.Ordinal))
            .Select(id => id[SessionActor.PersistenceIdFor("").Length..]).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The robot's journal folded into its state, event by event, as the SessionActor's recovery does.</summary>
    public static async Task<SessionState> ReadStateAsync(ActorSystem system, string robotId)
    {
        var state = SessionState.Empty(robotId);
        await ReadAsync(system, robotId, e =>
        {
            state = state.Apply(e);
            return Task.CompletedTask;
        });
        return state;
    }

    /// <summary>Exports the robot's finished episodes from its journal to a new LeRobotDataset v3 at <paramref name="root"/>.</summary>
    public static async Task<SessionExportResult> ExportAsync(ActorSystem system, string robotId, string root, SessionExportOptions? options = null)
    {
        var export = new SessionExport(root, options ?? new SessionExportOptions());
        await ReadAsync(system, robotId, export.OnEventAsync);
        return export.Finish();
    }
}
