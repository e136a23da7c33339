namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>
/// The <c>seeds</c> verb: writes <c>&lt;out&gt;/&lt;target&gt;/*</c> from the library's writers and, when the folder
/// exists, from the real network data in the vectors folder. The output is generated, so it is not committed.
/// </summary>
internal static class SeedCommand
{
    public static async Task<int> RunAsync(string vectors, string output, TextWriter log)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var sink = new SeedSink(output);
        await ChainSeeds.WriteAsync(sink);
        TextSeeds.Write(sink);
        if (Directory.Exists(vectors))
        {
            VectorSeeds.Write(vectors, sink);
            await GenesisSeeds.WriteAsync(vectors, sink);
        }
        else
        {
            log.WriteLine($"warning: {vectors} is missing; seeds come from the library's writers only");
        }

        foreach ((string target, int count) in sink.Counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            log.WriteLine($"{target}: {count} seeds");
        }

        return 0;
    }
}
