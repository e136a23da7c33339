using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>
/// One <c>node peer.mjs</c> process (tests/interop/js-peer), driven over its stdio protocol: JSON-line commands
/// on stdin, answered by id on stdout, with event lines in between and logs on stderr.
/// </summary>
/// <remarks>
/// <para>Commands may be sent concurrently; each reply is matched by id. Every wait is guarded
/// (<see cref="ReadyGuard"/>, <see cref="CommandGuard"/>), and every failure message carries the peer's stderr.</para>
/// <para>Disposing closes stdin (the peer stops and exits 0), waits a little, then kills the process tree.</para>
/// </remarks>
public sealed partial class JsPeerProcess : IAsyncDisposable
{
    /// <summary>How long the peer may take to print its ready line.</summary>
    public static readonly TimeSpan ReadyGuard = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a command may take. peer.mjs bounds each command at 60 s itself (DEFAULT_COMMAND_MS), so a stuck
    /// command normally comes back as a JS error first, with its reason.
    /// </summary>
    public static readonly TimeSpan CommandGuard = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan ExitGuard = TimeSpan.FromSeconds(10);
    private const int MaxStandardErrorChars = 1 << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly TaskCompletionSource<JsonElement> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Unbounded: a peer emits a handful of events per test, and the stdout reader must never block on a test that
    // ignores them (replies come through the same reader).
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly SemaphoreSlim _stdinLock = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private readonly CancellationTokenSource _stopReading = new();
    private Task _reader = Task.CompletedTask;
    private int _nextId;
    private bool _disposed;

    private JsPeerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The peer's id (<c>12D3KooW…</c>).</summary>
    public string PeerId { get; private set; } = "";

    /// <summary>Its listen addresses, each ending in <c>/p2p/&lt;PeerId&gt;</c>.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <summary>The first IPv4 listen address.</summary>
    public string Ip4Address => Addresses.First(a => a.StartsWith("/ip4/", StringComparison.Ordinal));

    /// <summary>
    /// Event lines in arrival order (<c>connected</c>, <c>identified</c>, <c>hello</c>, <c>greeted</c>,
    /// <c>greetFailed</c>, and the pubsub events); completes when the process exits. Reading consumes: one reader per
    /// peer. <see cref="FirstEventAsync"/> and <see cref="EventsSoFar"/> read a log of the same lines that nothing
    /// consumes, for tests whose events interleave.
    /// </summary>
    public ChannelReader<JsonElement> Events => _events.Reader;

    /// <summary>What the peer wrote to stderr so far (capped at 1 Mi characters).</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Installs the peer's packages if needed (once per run), starts it and waits for its ready line.</summary>
    /// <remarks>
    /// The first call of a run may spend minutes in <c>npm ci</c> (guarded by its own 5-minute limit) before
    /// <paramref name="cancellationToken"/> is looked at: a 30-second test guard created before the call would
    /// expire during the install, so pass none; <see cref="ReadyGuard"/> bounds the start.
    /// </remarks>
    /// <exception cref="Xunit.SkipException">Node.js is missing and this is not CI.</exception>
    public static async Task<JsPeerProcess> StartAsync(JsPeerOptions? options = null, CancellationToken cancellationToken = default)
    {
        await JsPeerEnvironment.EnsureReadyAsync().ConfigureAwait(false);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = JsPeerEnvironment.PeerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("peer.mjs");
        foreach (string argument in (options ?? new JsPeerOptions()).ToArguments())
        {
            start.ArgumentList.Add(argument);
        }

        var peer = new JsPeerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start node"));
        try
        {
            peer.BeginReading();
            JsonElement ready = await peer._ready.Task.WaitAsync(ReadyGuard, cancellationToken).ConfigureAwait(false);
            peer.PeerId = ready.GetProperty("peerId").GetString() ?? "";
            peer.Addresses = [.. ready.GetProperty("addrs").EnumerateArray().Select(a => a.GetString() ?? "")];
            return peer;
        }
        catch (Exception ex) when (ex is TimeoutException or JsPeerCommandException)
        {
            string stderr = peer.StandardError;
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new JsPeerCommandException($"the JS peer did not become ready: {ex.Message}\nstderr:\n{stderr}", ex);
        }
        catch
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="command"/> with the properties of <paramref name="parameters"/> (serialized camelCase)
    /// and returns the whole reply.
    /// </summary>
    /// <exception cref="JsPeerCommandException">The reply is <c>ok: false</c>, the peer exited, or <see cref="CommandGuard"/> passed.</exception>
    public async Task<JsonElement> SendAsync(string command, object? parameters = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        JsonObject line = parameters is null ? [] : JsonSerializer.SerializeToNode(parameters, Json)?.AsObject() ?? [];
        int id = Interlocked.Increment(ref _nextId);
        line["id"] = id;
        line["cmd"] = command;
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            await WriteLineAsync(line.ToJsonString(Json), cancellationToken).ConfigureAwait(false);
            JsonElement answer = await reply.Task.WaitAsync(CommandGuard, cancellationToken).ConfigureAwait(false);
            if (!answer.GetProperty("ok").GetBoolean())
            {
                string error = answer.TryGetProperty("error", out JsonElement e) ? e.GetString() ?? "" : "";
                throw new JsPeerCommandException($"{command} #{id} failed in the JS peer: {error}\nstderr:\n{StandardError}");
            }

            return answer;
        }
        catch (TimeoutException ex)
        {
            throw new JsPeerCommandException($"{command} #{id}: no reply within {CommandGuard}\nstderr:\n{StandardError}", ex);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Reads events until one named <paramref name="name"/> for which <paramref name="match"/> holds (events
    /// before it are consumed), within <see cref="CommandGuard"/>.
    /// </summary>
    public async Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool>? match = null, CancellationToken cancellationToken = default)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(CommandGuard);
        try
        {
            await foreach (JsonElement e in _events.Reader.ReadAllAsync(guard.Token).ConfigureAwait(false))
            {
                if (e.GetProperty("event").GetString() == name && (match is null || match(e)))
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JsPeerCommandException($"no '{name}' event within {CommandGuard}\nstderr:\n{StandardError}", ex);
        }

        throw new JsPeerCommandException($"the JS peer exited before a '{name}' event\nstderr:\n{StandardError}");
    }

    /// <summary>Asks the peer to stop and waits for it to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync("stop", cancellationToken: cancellationToken).ConfigureAwait(false);
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(ExitGuard, cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            try
            {
                // EOF on stdin is peer.mjs's signal to stop.
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(ExitGuard).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(ExitGuard).ConfigureAwait(false);
            }
        }

        try
        {
            // The process has exited: the reader drains what stdout still holds and stops at EOF.
            await _reader.WaitAsync(ExitGuard).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild still holds the pipe open; nothing on it matters any more.
            await _stopReading.CancelAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _stdinLock.Dispose();
        _stopReading.Dispose();
    }

    private void BeginReading()
    {
        _process.ErrorDataReceived += (_, e) => AppendStandardError(e.Data);
        _process.BeginErrorReadLine();
        _reader = ReadStandardOutputAsync(_stopReading.Token);
    }

    private void AppendStandardError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            if (_stderr.Length < MaxStandardErrorChars)
            {
                _stderr.AppendLine(line);
            }
        }
    }

    private async Task ReadStandardOutputAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is string line)
            {
                Dispatch(line);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            failure = ex;
        }
        finally
        {
            string exited = _process.HasExited ? $"exited with {_process.ExitCode}" : "closed its stdout";
            var gone = new JsPeerCommandException($"the JS peer {exited}", failure ?? new EndOfStreamException());
            _ready.TrySetException(gone);
            foreach (TaskCompletionSource<JsonElement> pending in _pending.Values)
            {
                pending.TrySetException(gone);
            }

            _events.Writer.TryComplete();
            CloseEventLog();
        }
    }

    private void Dispatch(string line)
    {
        JsonElement message;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // peer.mjs writes only JSON to stdout; anything else (a stray console.log) is kept for the failure message.
            AppendStandardError("[stdout, not JSON] " + line);
            return;
        }

        if (message.TryGetProperty("event", out JsonElement name))
        {
            if (name.GetString() == "ready")
            {
                _ready.TrySetResult(message);
            }
            else
            {
                _events.Writer.TryWrite(message);
                Record(message);
            }

            return;
        }

        if (message.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.Number &&
            _pending.TryGetValue(id.GetInt32(), out TaskCompletionSource<JsonElement>? reply))
        {
            reply.TrySetResult(message);
            return;
        }

        AppendStandardError("[stdout, unmatched] " + line);
    }

    private async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        await _stdinLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _stdinLock.Release();
        }
    }

    /// <summary>For failure messages: the peer id and its first address.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"JsPeer {PeerId} at {(Addresses.Count > 0 ? Addresses[0] : "(not ready)")}");
}
