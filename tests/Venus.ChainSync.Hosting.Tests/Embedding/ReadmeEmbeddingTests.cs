using Microsoft.Extensions.Diagnostics.HealthChecks;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests.Embedding;

/// <summary>The root README's embedding example cannot rot: its text is this project's compiled code, and it runs.</summary>
public sealed class ReadmeEmbeddingTests
{
    private const string ExamplePath = "tests/Venus.ChainSync.Hosting.Tests/Embedding/ReadmeEmbeddingExample.cs";

    [Fact]
    public void The_READMEs_embedding_block_is_the_compiled_example_line_for_line()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string source = File.ReadAllText(Path.Combine(root, ExamplePath));

        Assert.Equal(Normalise(Region(source)), Normalise(EmbeddingBlock(readme)));
    }

    [Fact]
    public async Task The_example_syncs_a_node_from_its_bootstrap_peer_until_the_health_check_says_healthy()
    {
        CancellationToken guard = TestGuard.Token(60);

        // A chain whose tip is at the wall clock's epoch, so the node holding it is synced by the clock.
        const int Tipsets = 30;
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 13, new ChainBuilderOptions
        {
            GenesisTimestamp = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (Tipsets * 30)),
        });
        TipSet genesis = chain.Genesis();
        IReadOnlyList<TipSet> history = chain.AddChain(genesis, Tipsets, new TipSetSpec(SecpMessages: 1));
        await using var network = new InMemoryNetwork();
        await using HostedNode bootstrap = HostedNode.Create(network, "bootstrap", genesis, chain.GenesisState, chain.Store, o => o.NetworkName = "calibrationnet");
        await bootstrap.AdoptAsync(chain, history);
        await bootstrap.StartAsync();
        var store = new InMemoryChainStore(genesis, chain.GenesisState);

        (HealthReport report, IReadOnlyList<SyncStateEntry> syncs) = await ReadmeEmbeddingExample.RunAsync(
            ["--Logging:LogLevel:Default", "Warning"], network, bootstrap.Host, network.CreateHost("app"), store, guard);

        // Healthy means within SyncedWithinEpochs (5) of the clock, which the chain's tip is at: the example may stop
        // a few tipsets short of the tip, on the bootstrap peer's chain.
        Assert.Equal(HealthStatus.Healthy, report.Status);
        long height = (long)report.Entries["chainsync"].Data[ChainSyncHealthData.HeadHeight];
        Assert.InRange(height, history[^1].Height - 5, history[^1].Height);
        Assert.Contains((await store.GetHeadAsync(guard)).Key, history.Select(t => t.Key));
        // The head moves to a tipset before its own execution, so the run towards the tip may still be finishing.
        Assert.Contains(syncs, s => s.Target.Key == history[^1].Key);
    }

    /// <summary>The lines strictly between the markers (their last occurrences: the constants naming them come first).</summary>
    private static string Region(string source)
    {
        int start = source.LastIndexOf(ReadmeEmbeddingExample.StartMarker, StringComparison.Ordinal);
        int end = source.LastIndexOf(ReadmeEmbeddingExample.EndMarker, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"the markers are missing from {ExamplePath}");
        start = source.IndexOf('\n', start) + 1;
        return source[start..source.LastIndexOf('\n', end)];
    }

    /// <summary>The first csharp fence after the README's "## Embedding" heading.</summary>
    private static string EmbeddingBlock(string readme)
    {
        int section = readme.IndexOf("\n## Embedding\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Embedding' section");
        const string Fence = "```csharp\n";
        int open = readme.IndexOf(Fence, section, StringComparison.Ordinal);
        Assert.True(open >= 0, "the Embedding section has no csharp block");
        int close = readme.IndexOf("\n```", open + Fence.Length, StringComparison.Ordinal);
        return readme[(open + Fence.Length)..close];
    }

    /// <summary>Line endings and indentation aside (the README block is not indented like the method body), every non-blank line the same.</summary>
    private static string Normalise(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Venus.ChainSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Venus.ChainSync.sln above {AppContext.BaseDirectory}.");
    }
}
