using Akka.Actor;
using Akka.Persistence;

namespace RobotActors.Actors.Tests.Session;

/// <summary>Reads every event a persistence id has in the configured journal, by replaying it into a reader that never writes.</summary>
internal static class JournalEvents
{
    public static async Task<IReadOnlyList<object>> ReadAsync(ActorSystem system, string persistenceId)
    {
        var done = new TaskCompletionSource<IReadOnlyList<object>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = system.ActorOf(Props.Create(() => new Reader(persistenceId, done)));
        try
        {
            return await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            system.Stop(reader);
        }
    }

    private sealed class Reader : ReceivePersistentActor
    {
        private readonly List<object> _events = [];

        public override string PersistenceId { get; }

        public override Recovery Recovery => new(SnapshotSelectionCriteria.None);

        public Reader(string persistenceId, TaskCompletionSource<IReadOnlyList<object>> done)
        {
            PersistenceId = persistenceId;
            Recover<RecoveryCompleted>(_ => done.TrySetResult(_events));
            Recover<object>(e => _events.Add(e));
            CommandAny(_ => { });
        }
    }
}
