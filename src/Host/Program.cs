using RobotActors.Host;

return await Cli.RunAsync(args);
