using System.Diagnostics;
using System.Text.Json;

namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>
/// Where the JS peer lives and what it needs before it can start: Node.js on the PATH, and
/// <c>tests/interop/js-peer/node_modules</c> installed from the committed lockfile (<c>npm ci</c>, once per run).
/// </summary>
public static class JsPeerEnvironment
{
    private static readonly TimeSpan NpmGuard = TimeSpan.FromMinutes(5);

    // One install per test run, shared by every test: parallel tests must not run npm ci over each other.
    private static readonly Lazy<Task> Install = new(InstallAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The <c>tests/interop/js-peer</c> folder of this checkout.</summary>
    public static string PeerDirectory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "interop", "js-peer");

    /// <summary>
    /// Returns once Node.js is found and the peer's packages are installed. Without Node.js the test is skipped,
    /// except under CI (<c>CI=true</c>), where it fails: there a missing runtime is a broken machine, not a choice.
    /// </summary>
    public static async Task EnsureReadyAsync()
    {
        if (!await IsNodeAvailableAsync().ConfigureAwait(false))
        {
            const string Missing = "Node.js 20 is required for the interop tests";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(Missing);
            }

            Skip.If(true, Missing + " (not found on the PATH)");
        }

        await Install.Value.WaitAsync(NpmGuard).ConfigureAwait(false);
    }

    private static async Task<bool> IsNodeAvailableAsync()
    {
        try
        {
            (int exitCode, _) = await RunAsync("node", ["--version"], PeerDirectory, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            return exitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Process.Start's way of saying the executable is not on the PATH.
            return false;
        }
    }

    private static async Task InstallAsync()
    {
        if (IsInstalledFromLockfile())
        {
            return;
        }

        string npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        (int exitCode, string output) = await RunAsync(npm, ["ci", "--no-audit", "--no-fund"], PeerDirectory, NpmGuard).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {PeerDirectory} failed ({exitCode}):\n{output}");
        }
    }

    /// <summary>
    /// Whether node_modules holds exactly what the lockfile names: npm ci leaves its own record,
    /// node_modules/.package-lock.json, whose entries carry the version and integrity of what was installed.
    /// </summary>
    private static bool IsInstalledFromLockfile()
    {
        string installed = Path.Combine(PeerDirectory, "node_modules", ".package-lock.json");
        if (!File.Exists(installed))
        {
            return false;
        }

        Dictionary<string, (string?, string?)> wanted = Packages(Path.Combine(PeerDirectory, "package-lock.json"));
        Dictionary<string, (string?, string?)> have = Packages(installed);
        return wanted.Count == have.Count && wanted.All(w => have.TryGetValue(w.Key, out var h) && h == w.Value);
    }

    private static Dictionary<string, (string? Version, string? Integrity)> Packages(string lockfile)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(lockfile));
        var packages = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        foreach (JsonProperty entry in document.RootElement.GetProperty("packages").EnumerateObject())
        {
            // "" is the project itself, which the installed record leaves out.
            if (entry.Name.Length == 0)
            {
                continue;
            }

            packages[entry.Name] = (Text(entry.Value, "version"), Text(entry.Value, "integrity"));
        }

        return packages;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string directory, TimeSpan guard)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(guard).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Venus.ChainSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Venus.ChainSync.sln above {AppContext.BaseDirectory}");
    }
}
