namespace Venus.ChainSync.Cli.Inspect;

/// <summary>What a chain walk found: every object reached, in walk order, and the counts.</summary>
internal sealed class WalkResult
{
    public WalkResult(IReadOnlyList<InspectedObject> objects, WalkSummary summary)
    {
        Objects = objects;
        Summary = summary;
    }

    /// <summary>Each reached CID once, in the order the walk reached it.</summary>
    public IReadOnlyList<InspectedObject> Objects { get; }

    /// <summary>The counts over <see cref="Objects"/> and the archive.</summary>
    public WalkSummary Summary { get; }

    /// <summary>Whether any reached object failed.</summary>
    public bool HasErrors => Summary.Errors > 0;
}

/// <summary>The closing counts of a chain walk.</summary>
internal sealed class WalkSummary
{
    private readonly Dictionary<ObjectKind, int> _sound;

    public WalkSummary(IReadOnlyList<InspectedObject> objects, int blocks, int roots, int missing)
    {
        ArgumentNullException.ThrowIfNull(objects);
        _sound = ObjectKindNames.All.ToDictionary(kind => kind, _ => 0);
        foreach (InspectedObject item in objects)
        {
            if (item.IsError)
            {
                Errors++;
            }
            else
            {
                _sound[item.Kind]++;
            }
        }

        Objects = objects.Count;
        Blocks = blocks;
        Roots = roots;
        Missing = missing;
    }

    /// <summary>Objects reached (sound and failed); each is a block of the archive.</summary>
    public int Objects { get; }

    /// <summary>Reached objects that failed a check.</summary>
    public int Errors { get; }

    /// <summary>Distinct blocks (by CID) in the archive.</summary>
    public int Blocks { get; }

    /// <summary>Roots in the archive's header.</summary>
    public int Roots { get; }

    /// <summary>Distinct CIDs the walk followed that the archive does not hold.</summary>
    public int Missing { get; }

    /// <summary>Blocks of the archive the walk never reached (state trees, the genesis parent, strays).</summary>
    public int NotReached => Blocks - Objects;

    /// <summary>Sound objects of <paramref name="kind"/>.</summary>
    public int CountOf(ObjectKind kind) => _sound[kind];
}
