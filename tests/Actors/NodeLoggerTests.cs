using Akka.Event;
using RobotActors.Actors.Hosting;

namespace RobotActors.Actors.Tests;

/// <summary>Issue 12.9: a console leaving is remoting noise about "*-console@" associations, logged at DEBUG only.</summary>
public sealed class NodeLoggerTests
{
    private const string Writer = "akka://robotactors/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Frobotactors-console%40127.0.0.1%3A45787-4";

    [Fact]
    public void Departures_of_console_systems_are_recognised_and_nothing_else_is()
    {
        Assert.True(NodeLogger.IsConsoleLeaving(new Info(Writer, typeof(object),
            "Removing receive buffers for [akka.tcp://robotactors@127.0.0.1:4093]->[akka.tcp://robotactors-console@127.0.0.1:37695]")));
        Assert.True(NodeLogger.IsConsoleLeaving(new Error(new InvalidOperationException("Disassociated"), Writer + "/endpointWriter", typeof(object), "Disassociated")));
        Assert.True(NodeLogger.IsConsoleLeaving(new Warning(Writer, typeof(object),
            "Association with remote system akka.tcp://robotactors-console@127.0.0.1:45787 has failed; address is now gated for 5000 ms.")));
        // Another node leaving is news, and so is everything outside remoting.
        Assert.False(NodeLogger.IsConsoleLeaving(new Warning("akka://robotactors/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Frobotactors%40127.0.0.1%3A4054-1",
            typeof(object), "Association with remote system akka.tcp://robotactors@127.0.0.1:4054 has failed")));
        Assert.False(NodeLogger.IsConsoleLeaving(new Error(null, "akka://robotactors/user/robots/robotactors-console@x", typeof(object), "a robot named oddly failed")));
    }

    [Fact]
    public async Task A_node_prints_other_events_but_not_a_console_leaving_at_info_level()
    {
        var saved = System.Console.Out;
        using var output = new StringWriter();
        System.Console.SetOut(TextWriter.Synchronized(output));
        try
        {
            using var system = Akka.Actor.ActorSystem.Create("logger-test", """
                akka.loglevel = INFO
                akka.stdout-loglevel = OFF
                akka.loggers = ["RobotActors.Actors.Hosting.NodeLogger, RobotActors.Actors"]
                """);
            system.EventStream.Publish(new Error(new InvalidOperationException("Disassociated"), Writer + "/endpointWriter", typeof(object), "Disassociated (console gone)"));
            system.EventStream.Publish(new Info(Writer, typeof(object), "Removing receive buffers for [a]->[akka.tcp://robotactors-console@127.0.0.1:1]"));
            system.EventStream.Publish(new Warning("akka://logger-test/user/x", typeof(object), "marker: a real warning"));
            for (var i = 0; i < 100 && !output.ToString().Contains("marker: a real warning"); i++) await Task.Delay(20);
            Assert.Contains("marker: a real warning", output.ToString());
            Assert.DoesNotContain("console gone", output.ToString());
            Assert.DoesNotContain("Removing receive buffers", output.ToString());
        }
        finally
        {
            System.Console.SetOut(saved);
        }
    }
}
