using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Protocol;

/// <summary>Manifests and codecs of the console protocol (<see cref="DescribeCommands"/> and friends).</summary>
internal sealed class ConsoleWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .AddSingleton("ra.console.describe-commands.v1", DescribeCommands.Instance)
        .Add("ra.console.command-catalog.v1", (w, m) =>
        {
            w.String(m.Node);
            w.String(m.Version);
            w.List(m.Commands, WriteDescriptor);
        }, r => new CommandCatalog(r.String(), r.String(), r.List(ReadDescriptor)))
        .Add("ra.console.run-command.v1", (w, m) =>
        {
            w.String(m.Name);
            w.Strings(m.Arguments);
            w.Time(m.SentAt);
        }, r => new RunCommand(r.String(), r.Strings(), r.Time()))
        .AddSingleton("ra.console.read-clock.v1", ReadGatewayClock.Instance)
        .Add("ra.console.clock-reading.v1", (w, m) =>
        {
            w.String(m.Node);
            w.Long(m.Milliseconds);
        }, r => new GatewayClockReading(r.String(), r.Long()))
        .Add("ra.console.run-command.v2", (w, m) =>
        {
            w.String(m.Name);
            w.Strings(m.Arguments);
            w.String(m.ClockNode);
            w.Long(m.ClockMilliseconds);
        }, r => new RunStampedCommand(r.String(), r.Strings(), r.String(), r.Long()))
        .Add("ra.console.command-reply.v1", (w, m) =>
        {
            w.Bool(m.Ok);
            w.String(m.Text);
            w.OptionalString(m.Json);
        }, r => new CommandReply(r.Bool(), r.String(), r.OptionalString()));

    private static void WriteDescriptor(WireWriter w, CommandDescriptor d)
    {
        w.String(d.Name);
        w.String(d.Summary);
        w.List(d.Arguments, (w2, a) =>
        {
            w2.String(a.Name);
            w2.String(a.Help);
            w2.Bool(a.Required);
        });
        w.Bool(d.Actuates);
    }

    private static CommandDescriptor ReadDescriptor(WireReader r) =>
        new(r.String(), r.String(), r.List(r2 => new CommandArgument(r2.String(), r2.String(), r2.Bool())), r.Bool());
}
