using RobotActors.Actors.Console;
using RobotActors.Actors.Control;
using RobotActors.Actors.Protocol;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Control;

/// <summary>
/// The operator's console drives a HIL-SERL session on the simulated robot end to end, through ClusterClient and the
/// gateway: session start, session status, intervene, an episode mark, session stop; and its refusals name the problem.
/// </summary>
public sealed class ConsoleSessionTests : IDisposable
{
    private const string Robot = "arm";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private readonly TempDir _dir = new();

    [Fact]
    public async Task The_console_starts_watches_intervenes_marks_and_stops_a_session_on_the_sim_robot()
    {
        await using var node = await SessionConfigs.StartSimNodeAsync(_dir.Path, Robot);
        await using var console = ConsoleConnection.Open("127.0.0.1", node.Address.Port!.Value, node.Settings.SystemName, TimeSpan.FromSeconds(30));

        var bad = await console.RunAsync(["intervene", Robot, "maybe"]);
        Assert.False(bad.Ok);
        Assert.Contains("'maybe' is neither on nor off", bad.Text);
        var unknown = await console.RunAsync(["session", "start", "nobody"]);
        Assert.False(unknown.Ok);
        Assert.Contains("no robot 'nobody'", unknown.Text);

        var started = await console.RunAsync(["session", "start", Robot, "--task", "push_cube"]);
        Assert.True(started.Ok, started.Text);
        var running = await EventuallyAsync(() => console.RunAsync(["session", "status", Robot]),
            r => r.Ok && r.Text.Contains(": running") && r.Text.Contains("episode"), Wait, r => r.Text);
        Assert.Contains("loop p50", running.Text);
        using (var json = System.Text.Json.JsonDocument.Parse(running.Json!))
            Assert.Equal(nameof(ControlState.Running), json.RootElement[0].GetProperty("control").GetProperty("state").GetString());

        var intervene = await console.RunAsync(["intervene", Robot, "on"]);
        Assert.True(intervene.Ok, intervene.Text);
        await EventuallyAsync(() => console.RunAsync(["session", "status", Robot]), r => r.Text.Contains("the operator has the arm"), Wait, r => r.Text);
        var marked = await console.RunAsync(["episode", Robot, "success"]);
        Assert.True(marked.Ok, marked.Text);
        // The button ends the episode at the loop's next tick; stopping before that would end it as interrupted.
        await EventuallyAsync(() => console.RunAsync(["sessions", Robot]), r => r.Text.Contains("Success"), Wait, r => r.Text);

        var stopped = await console.RunAsync(["session", "stop", Robot]);
        Assert.True(stopped.Ok, stopped.Text);
        await EventuallyAsync(() => console.RunAsync(["session", "status", Robot]), r => r.Text.Contains("no session running"), Wait, r => r.Text);
        var history = await console.RunAsync(["sessions", Robot]);
        Assert.True(history.Ok, history.Text);
        Assert.Contains("Success", history.Text);
    }

    public void Dispose() => _dir.Dispose();
}
