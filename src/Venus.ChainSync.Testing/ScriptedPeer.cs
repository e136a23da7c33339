using System.Buffers;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing.Relay;

namespace Venus.ChainSync.Testing;

/// <summary>
/// A host of an <see cref="InMemoryNetwork"/> whose stream handlers are scripts, to stand in for a broken or hostile
/// peer: <see cref="OnStream"/> takes any script, and the other methods install the common hostile ones. Each
/// method replaces the handler of its protocol and returns this peer, so calls chain.
/// </summary>
/// <remarks>
/// <para>The peer's streams are always relayed (see <see cref="InMemoryNetwork"/>), whatever the link's faults: that
/// is what lets <see cref="WriteThenReset"/> put its reset right behind its bytes. Link faults still apply on top.</para>
/// <para>Scripts run like any handler: on the thread pool, one call per inbound stream, with a token cancelled when the
/// network shuts down, and the stream disposed when the script returns. "Forever" below means until then.</para>
/// </remarks>
public sealed class ScriptedPeer
{
    private readonly InMemoryNetwork _network;
    private int _streamsAccepted;

    internal ScriptedPeer(InMemoryNetwork network, InMemoryHost host)
    {
        _network = network;
        Host = host;
    }

    /// <summary>The host, for what a script does not cover (gossip, connection events, opening streams).</summary>
    public InMemoryHost Host { get; }

    /// <summary>The host's peer id.</summary>
    public PeerId PeerId => Host.LocalPeer;

    /// <summary>How many inbound streams the scripts of this peer have been given so far.</summary>
    public int StreamsAccepted => Volatile.Read(ref _streamsAccepted);

    /// <summary>Runs <paramref name="script"/> for every inbound stream of <paramref name="protocol"/>.</summary>
    public ScriptedPeer OnStream(string protocol, StreamHandler script)
    {
        ArgumentNullException.ThrowIfNull(script);
        Host.SetStreamHandler(protocol, (stream, cancellationToken) =>
        {
            Interlocked.Increment(ref _streamsAccepted);
            return script(stream, cancellationToken);
        });
        return this;
    }

    /// <summary>Writes <paramref name="bytes"/>, then holds the stream open forever, reading nothing and writing nothing more.</summary>
    public ScriptedPeer WriteThenHang(string protocol, ReadOnlyMemory<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        return OnStream(protocol, async (stream, cancellationToken) =>
        {
            await stream.Output.WriteAsync(copy, cancellationToken).ConfigureAwait(false);
            await HangAsync(cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> and resets the stream right behind them: the peer reads exactly those bytes
    /// (after the link's latency and bandwidth), then its reads fail with <see cref="IOException"/>.
    /// </summary>
    public ScriptedPeer WriteThenReset(string protocol, ReadOnlyMemory<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        return OnStream(protocol, (stream, _) =>
        {
            if (stream is RelayedStream relayed)
            {
                relayed.Output.Write(copy);
                relayed.ResetAfterWritten();
            }
            else
            {
                // Not reached for a scripted peer (its streams are relayed); a plain pipe can only reset at once.
                stream.Abort();
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> slowly: <paramref name="chunkBytes"/> at once when the stream opens, then
    /// <paramref name="chunkBytes"/> more every <paramref name="interval"/> on the network's clock, and half-closes
    /// after the last chunk. Reads nothing.
    /// </summary>
    /// <remarks>
    /// The wait for chunk <c>k + 1</c> is set before chunk <c>k</c> is written, on a schedule fixed when the stream
    /// opened. So with a <c>FakeTimeProvider</c>, a test that reads chunk <c>k</c> and then advances by
    /// <paramref name="interval"/> always gets chunk <c>k + 1</c>, and one advance by several intervals delivers
    /// every chunk due. Read the first chunk before the first advance: the script starts on its own task.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkBytes"/> or <paramref name="interval"/> is not positive.</exception>
    public ScriptedPeer Drip(string protocol, ReadOnlyMemory<byte> bytes, int chunkBytes, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        byte[] copy = bytes.ToArray();
        TimeProvider time = _network.Time;
        return OnStream(protocol, async (stream, cancellationToken) =>
        {
            long opened = time.GetTimestamp();
            for (int sent = 0, chunk = 0; sent < copy.Length; chunk++)
            {
                int count = Math.Min(chunkBytes, copy.Length - sent);
                Task next = Task.CompletedTask;
                if (sent + count < copy.Length)
                {
                    TimeSpan wait = (interval * (chunk + 1)) - time.GetElapsedTime(opened);
                    next = wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
                }

                await stream.Output.WriteAsync(copy.AsMemory(sent, count), cancellationToken).ConfigureAwait(false);
                sent += count;
                await next.ConfigureAwait(false);
            }

            await stream.CompleteWritingAsync(cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Accepts streams and holds them open forever without reading or writing: once the stream buffer
    /// (<see cref="InMemoryNetwork.StreamBufferBytes"/>) is full, the other side's flushes wait.
    /// </summary>
    public ScriptedPeer NeverRead(string protocol) =>
        OnStream(protocol, static (_, cancellationToken) => HangAsync(cancellationToken));

    /// <summary>Accepts streams and closes them at once: the other side reads the end of the stream, with no bytes.</summary>
    public ScriptedPeer CloseImmediately(string protocol) =>
        OnStream(protocol, static (_, _) => Task.CompletedTask);

    /// <inheritdoc/>
    public override string ToString() => $"ScriptedPeer {PeerId}";

    private static async Task HangAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The network shut down: the hang is over.
        }
    }
}
