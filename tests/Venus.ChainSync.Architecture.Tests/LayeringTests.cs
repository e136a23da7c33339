using System.Reflection;

namespace Venus.ChainSync.Architecture.Tests;

/// <summary>
/// The packed assemblies form layers, and an assembly references only the layers below it:
/// Primitives, then Exchange, then the engine (Venus.ChainSync), then Hosting, then Testing on top.
/// Testing sits above Hosting because its cluster composes nodes with AddChainSync(), the path hosts use; nothing
/// ships references Testing, so the fakes never become a dependency of a node. Libp2p (the host behind the network
/// ports) sees only Exchange's ports and Primitives, so a host may bring its own libp2p instead. The RocksDB store
/// implements the engine's storage ports, so it sits beside Hosting on the engine; nothing of ours references it.
/// </summary>
/// <remarks>
/// This reads the compiled references (<see cref="Assembly.GetReferencedAssemblies"/>), so a project
/// reference that no code uses is not caught here; a reference that code does use always is.
/// </remarks>
public sealed class LayeringTests
{
    private const string Primitives = "Venus.ChainSync.Primitives";
    private const string Exchange = "Venus.ChainSync.Exchange";
    private const string Engine = "Venus.ChainSync";
    private const string Hosting = "Venus.ChainSync.Hosting";
    private const string Testing = "Venus.ChainSync.Testing";
    private const string Libp2p = "Venus.ChainSync.Libp2p";
    private const string RocksDb = "Venus.ChainSync.Storage.RocksDb";

    /// <summary>Each packed assembly and the assemblies of ours it may reference.</summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new(StringComparer.Ordinal)
    {
        [Primitives] = [],
        [Exchange] = [Primitives],
        [Engine] = [Exchange, Primitives],
        [Hosting] = [Engine, Exchange, Primitives],
        [Testing] = [Hosting, Engine, Exchange, Primitives],
        [Libp2p] = [Exchange, Primitives],
        [RocksDb] = [Engine, Exchange, Primitives],
    };

    public static TheoryData<string> PackedAssemblies() => new(AllowedReferences.Keys);

    [Theory]
    [MemberData(nameof(PackedAssemblies))]
    public void PackedAssembly_ReferencesOnlyTheLayersBelowIt(string assemblyName)
    {
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        var references = assembly.GetReferencedAssemblies().Select(r => r.Name!).ToArray();

        var violations = FindViolations(assemblyName, references);

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void EveryVenusAssemblyInTheOutput_HasALayer()
    {
        var testAssembly = typeof(LayeringTests).Assembly.GetName().Name;
        var unknown = Directory.EnumerateFiles(AppContext.BaseDirectory, "Venus.ChainSync*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != testAssembly && !AllowedReferences.ContainsKey(name!))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(
            unknown.Length == 0,
            $"No layer is declared for {string.Join(", ", unknown)}; add it to {nameof(AllowedReferences)} in {nameof(LayeringTests)}.");
    }

    [Fact]
    public void UpwardReference_IsReportedWithTheOffendingAssembly()
    {
        var violations = FindViolations(Exchange, ["System.Runtime", Primitives, Engine]);

        var violation = Assert.Single(violations);
        Assert.Contains($"{Exchange} references {Engine}", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void HostingReferencingTesting_IsReported()
    {
        var violations = FindViolations(Hosting, [Engine, Testing]);

        var violation = Assert.Single(violations);
        Assert.Contains($"{Hosting} references {Testing}", violation, StringComparison.Ordinal);
    }

    /// <summary>
    /// One line per reference to an assembly of ours (a name starting with "Venus.ChainSync") that
    /// <paramref name="assemblyName"/> may not reference; empty when the layering holds.
    /// </summary>
    private static List<string> FindViolations(string assemblyName, IEnumerable<string> referencedNames)
    {
        var allowed = AllowedReferences[assemblyName];
        return referencedNames
            .Where(name => name.StartsWith(Engine, StringComparison.Ordinal) && !allowed.Contains(name, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
                $"{assemblyName} references {name}, which is not below it. " +
                $"Allowed: {(allowed.Length == 0 ? "none of ours" : string.Join(", ", allowed))}.")
            .ToList();
    }
}
