using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// One <c>node peer.mjs</c> process of the interop peer (tests/interop/js-peer), started by the benchmark console and
/// driven over the same stdio protocol as the interop tests' <c>JsPeerProcess</c>: one JSON command per line on stdin,
/// answered by id on stdout.
/// </summary>
/// <remarks>
/// A smaller cousin of the test harness, which the console cannot reference (it is an xUnit project, and it runs
/// <c>npm ci</c> by itself; the console only reports that the packages are missing). Commands go one at a time: the
/// reply is read on the caller's await, event lines before it are skipped, so no reader loop runs in the background.
/// The peer's stderr is this console's stderr.
/// </remarks>
internal sealed class JsBenchPeer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyGuard = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitGuard = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private int _nextId;

    private JsBenchPeer(Process process, string peerId, string ip4Address)
    {
        _process = process;
        PeerId = peerId;
        Ip4Address = ip4Address;
    }

    /// <summary>The peer's id (<c>12D3KooW…</c>).</summary>
    public string PeerId { get; }

    /// <summary>Its IPv4 listen address, ending in <c>/p2p/&lt;PeerId&gt;</c>.</summary>
    public string Ip4Address { get; }

    /// <summary>The <c>tests/interop/js-peer</c> folder of this checkout.</summary>
    public static string PeerDirectory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "interop", "js-peer");

    /// <summary>
    /// The Node.js version (null without Node.js) and why the peer cannot be started here (Node.js not on the PATH, or
    /// the peer's packages not installed); <c>Missing</c> is null when it can.
    /// </summary>
    public static async Task<(string? NodeVersion, string? Missing)> CheckAsync()
    {
        string? version;
        try
        {
            version = await NodeVersionAsync();
        }
        catch (Win32Exception)
        {
            // Process.Start's way of saying the executable is not on the PATH.
            return (null, "Node.js is not on the PATH");
        }

        if (version is null)
        {
            return (null, "`node --version` failed");
        }

        // npm ci's own record of what it installed; the interop harness also compares it with the lockfile.
        if (!File.Exists(Path.Combine(PeerDirectory, "node_modules", ".package-lock.json")))
        {
            return (version, $"the JS peer's packages are not installed (run `bash tests/interop/setup`; looked in {PeerDirectory})");
        }

        return (version, null);
    }

    /// <summary>Starts <c>node peer.mjs</c> listening on an OS-chosen IPv4 loopback port and waits for its ready line.</summary>
    public static async Task<JsBenchPeer> StartAsync()
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = PeerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("peer.mjs");
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add("/ip4/127.0.0.1/tcp/0");
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        try
        {
            using var guard = new CancellationTokenSource(ReadyGuard);
            JsonElement ready = await ReadUntilAsync(process, e => e.TryGetProperty("event", out JsonElement name) && name.GetString() == "ready", guard.Token);
            string peerId = ready.GetProperty("peerId").GetString() ?? "";
            string ip4 = ready.GetProperty("addrs").EnumerateArray().Select(a => a.GetString() ?? "").First(a => a.StartsWith("/ip4/", StringComparison.Ordinal));
            return new JsBenchPeer(process, peerId, ip4);
        }
        catch
        {
            await StopAsync(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="command"/> with the properties of <paramref name="parameters"/> and returns the reply; the
    /// peer bounds the command by <paramref name="guard"/>, and this waits that long plus ten seconds.
    /// </summary>
    /// <exception cref="InvalidOperationException">The peer answered <c>ok: false</c>, exited, or did not answer in time.</exception>
    public async Task<JsonElement> SendAsync(string command, object parameters, TimeSpan guard)
    {
        JsonObject line = JsonSerializer.SerializeToNode(parameters)?.AsObject() ?? [];
        int id = ++_nextId;
        line["id"] = id;
        line["cmd"] = command;
        line["timeoutMs"] = (long)guard.TotalMilliseconds;
        await _process.StandardInput.WriteLineAsync(line.ToJsonString());
        await _process.StandardInput.FlushAsync();

        using var wait = new CancellationTokenSource(guard + ExitGuard);
        JsonElement reply = await ReadUntilAsync(_process, e => e.TryGetProperty("id", out JsonElement i) && i.ValueKind == JsonValueKind.Number && i.GetInt32() == id, wait.Token);
        if (!reply.GetProperty("ok").GetBoolean())
        {
            throw new InvalidOperationException($"{command} failed in the JS peer: {reply.GetProperty("error").GetString()}");
        }

        return reply;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process);
        _process.Dispose();
    }

    private static async Task<JsonElement> ReadUntilAsync(Process process, Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is string line)
            {
                using JsonDocument document = JsonDocument.Parse(line);
                if (match(document.RootElement))
                {
                    return document.RootElement.Clone();
                }
            }
        }
        catch (OperationCanceledException ex)
        {
            throw new InvalidOperationException("the JS peer did not answer in time", ex);
        }

        throw new InvalidOperationException("the JS peer closed its stdout");
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        try
        {
            // EOF on stdin is peer.mjs's signal to stop.
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(ExitGuard);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(ExitGuard);
        }
    }

    private static async Task<string?> NodeVersionAsync()
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--version");
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(ExitGuard);
        return process.ExitCode == 0 ? output.Trim() : null;
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
