using TorchSharp;

namespace RobotActors.Policies.Networks;

/// <summary>
/// A module whose state-dict keys are exactly the names it registers. TorchSharp otherwise also registers
/// every field by its C# name the first time the module is walked, so a checkpoint would carry each tensor
/// twice (e.g. "actor.mean_layer.weight" and "actor._meanLayer.weight"). LeRobot's key layout needs the
/// registered names only.
/// </summary>
public abstract class NamedModule(string name) : torch.nn.Module(name)
{
    protected override void RegisterComponents() { }
}

/// <inheritdoc cref="NamedModule"/>
public abstract class NamedModule<T, TResult>(string name) : torch.nn.Module<T, TResult>(name)
{
    protected override void RegisterComponents() { }
}
