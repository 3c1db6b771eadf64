namespace RobotActors.Devices.Motors;

/// <summary>
/// One control-table entry: name (LeRobot's data_name), address, size in bytes, and how negative
/// values are encoded: SignBit = the sign-magnitude bit (Feetech), or -1 for unsigned; Signed =
/// two's complement (Dynamixel).
/// </summary>
public sealed record Register(string Name, int Address, int Size, int SignBit = -1, bool TwosComplement = false)
{
    public int Encode(int value)
    {
        if (SignBit >= 0)
            return SignMagnitude.Encode(value, SignBit, Name);
        if (TwosComplement)
            return Size == 4 ? value : value & ((1 << (8 * Size)) - 1);
        if (value < 0 || (Size < 4 && value >= 1 << (8 * Size)))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name} takes 0..{(Size < 4 ? (1 << (8 * Size)) - 1 : int.MaxValue)}.");
        return value;
    }

    public int Decode(int raw)
    {
        if (SignBit >= 0)
            return SignMagnitude.Decode(raw, SignBit);
        if (TwosComplement && Size < 4)
        {
            var shift = 32 - 8 * Size;
            return (raw << shift) >> shift;
        }
        return raw;
    }
}

/// <summary>A model's control table, looked up by LeRobot's register names.</summary>
public sealed class ControlTable(string family, IEnumerable<Register> registers)
{
    private readonly Dictionary<string, Register> _byName = registers.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<Register> Registers => _byName.Values.OrderBy(r => r.Address);

    public Register this[string name] => _byName.TryGetValue(name, out var r)
        ? r
        : throw new KeyNotFoundException($"{family} has no register '{name}'. Known registers: {string.Join(", ", Registers.Select(x => x.Name))}.");

    public bool Contains(string name) => _byName.ContainsKey(name);
}
