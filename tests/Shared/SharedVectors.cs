using System.Text.Json;

namespace Venus.ChainSync.TestSupport;

/// <summary>
/// Finds <c>../shared/vectors</c> next to the repository root (one file, linked into every test project). Tests that need it call <see cref="Require"/>:
/// where the folder is missing they are skipped with the reason, except under <c>CI=true</c>, where a
/// missing folder fails the test.
/// </summary>
internal static class SharedVectors
{
    private static readonly Lazy<string?> Root = new(FindVectorsFolder);

    /// <summary>Absolute path of the vectors folder, skipping or failing the test when it is absent.</summary>
    public static string Require()
    {
        string? root = Root.Value;
        if (root is not null)
        {
            return root;
        }

        const string reason = "../shared/vectors was not found beside the repository root";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason + " (CI=true: shared vectors are required)");
        }

        Skip.If(true, reason);
        return "";
    }

    /// <summary>Absolute path of a file under the vectors folder.</summary>
    public static string PathOf(string relative) => Path.Combine(Require(), relative);

    /// <summary>Reads and parses a JSON file under the vectors folder.</summary>
    public static JsonDocument Json(string relative) => JsonDocument.Parse(File.ReadAllBytes(PathOf(relative)));

    /// <summary>Reads a whole file under the vectors folder.</summary>
    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Repository root: the nearest ancestor of the test binaries that holds the solution file.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Venus.ChainSync.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? FindVectorsFolder()
    {
        string? repo = RepositoryRoot();
        if (repo is null)
        {
            return null;
        }

        string candidate = Path.GetFullPath(Path.Combine(repo, "..", "shared", "vectors"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
