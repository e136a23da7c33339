using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;

namespace Venus.ChainSync.Cli.Inspect;

/// <summary>A whole CAR archive in memory: its roots and its blocks by CID.</summary>
/// <remarks>
/// Blocks are not hashed on the way in: checking each reached object is the walker's job, and it reports a bad
/// block as a finding instead of refusing the whole file. When a CID appears in more than one section the first
/// one is kept (CAR v1 allows duplicates; the spec does not say which wins).
/// </remarks>
internal sealed class CarContents
{
    private CarContents(IReadOnlyList<Cid> roots, IReadOnlyDictionary<Cid, ReadOnlyMemory<byte>> blocks)
    {
        Roots = roots;
        Blocks = blocks;
    }

    /// <summary>The header's roots, in order.</summary>
    public IReadOnlyList<Cid> Roots { get; }

    /// <summary>Every block by CID (a CID repeated in the archive appears once).</summary>
    public IReadOnlyDictionary<Cid, ReadOnlyMemory<byte>> Blocks { get; }

    /// <summary>Reads a <c>.car</c> or <c>.car.zst</c> file (told apart by content) into memory.</summary>
    /// <exception cref="CarFormatException">The file is not a well-formed CAR v1.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (including not found).</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened (a directory, or no permission).</exception>
    public static async Task<CarContents> LoadAsync(string path, CancellationToken cancellationToken)
    {
        await using CarReader reader = await CarReader.OpenFileAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        var blocks = new Dictionary<Cid, ReadOnlyMemory<byte>>();
        await foreach (Block block in reader.ReadBlocksAsync(cancellationToken).ConfigureAwait(false))
        {
            blocks.TryAdd(block.Cid, block.Data);
        }

        return new CarContents(reader.Roots, blocks);
    }
}
