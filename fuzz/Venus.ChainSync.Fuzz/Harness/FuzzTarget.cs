namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>The body of a target: runs the library on one input, counting its calls with the meter.</summary>
internal delegate void TargetBody(ReadOnlyMemory<byte> input, AllocationMeter meter);

/// <summary>
/// One fuzz target: a name for the command line, what it covers, its allocation budget, and the body that afl-fuzz
/// and <c>--replay</c> both run. The body returns normally for an input the library handles as documented (accepted,
/// or refused with the documented exception) and throws for anything else.
/// </summary>
internal sealed class FuzzTarget
{
    private readonly TargetBody _body;

    public FuzzTarget(string name, string covers, AllocationBudget budget, TargetBody body)
    {
        Name = name;
        Covers = covers;
        Budget = budget;
        _body = body;
    }

    public string Name { get; }

    public string Covers { get; }

    public AllocationBudget Budget { get; }

    /// <summary>Runs the body over <paramref name="input"/> and returns the bytes its library calls allocated.</summary>
    public long Run(ReadOnlyMemory<byte> input)
    {
        var meter = new AllocationMeter(Budget, input.Length);
        _body(input, meter);
        return meter.Allocated;
    }
}
