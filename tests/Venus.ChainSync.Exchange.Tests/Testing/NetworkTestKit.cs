using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Testing;

/// <summary>Small helpers for tests of the in-memory network.</summary>
internal static class NetworkTestKit
{
    /// <summary>A guard for awaits that could hang: 30 seconds of real time, only ever reached by a bug.</summary>
    public static CancellationToken Guard() => TestGuard.Token();

    /// <summary>
    /// Installs a handler on <paramref name="host"/> that hands over each inbound stream and then parks until the
    /// network shuts down, so the test drives the remote end itself. The task completes with the first stream.
    /// </summary>
    public static Task<INetworkStream> Accept(InMemoryHost host, string protocol)
    {
        var accepted = new TaskCompletionSource<INetworkStream>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.SetStreamHandler(protocol, async (stream, cancellationToken) =>
        {
            accepted.TrySetResult(stream);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The network shut down.
            }
        });
        return accepted.Task;
    }

    /// <summary>Opens a stream from <paramref name="from"/> to <paramref name="to"/> and returns both ends.</summary>
    public static async Task<(INetworkStream Local, INetworkStream Remote)> OpenPairAsync(InMemoryHost from, InMemoryHost to, string protocol = "/test")
    {
        Task<INetworkStream> accepted = Accept(to, protocol);
        INetworkStream local = await from.OpenStreamAsync(to.LocalPeer, protocol, Guard());
        INetworkStream remote = await accepted.WaitAsync(Guard());
        return (local, remote);
    }

    /// <summary>What the reader has now, without waiting (consumed); empty when nothing is there.</summary>
    public static byte[] TakeAvailable(PipeReader reader)
    {
        if (!reader.TryRead(out ReadResult result))
        {
            return [];
        }

        byte[] bytes = result.Buffer.ToArray();
        reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    /// <summary>Waits for <paramref name="count"/> bytes and consumes exactly those.</summary>
    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        CancellationToken guard = Guard();
        while (true)
        {
            ReadResult result = await reader.ReadAsync(guard);
            if (result.Buffer.Length >= count)
            {
                ReadOnlySequence<byte> wanted = result.Buffer.Slice(0, count);
                byte[] bytes = wanted.ToArray();
                reader.AdvanceTo(wanted.End);
                return bytes;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException($"the stream ended after {result.Buffer.Length} of {count} bytes");
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads until the end of the stream, consuming everything.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        CancellationToken guard = Guard();
        while (true)
        {
            ReadResult result = await reader.ReadAsync(guard);
            if (result.IsCompleted)
            {
                byte[] bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>
    /// Reads everything until a read fails, examining all it gets; returns the bytes seen and the failure (null if the
    /// stream ended normally).
    /// </summary>
    public static async Task<(byte[] Bytes, Exception? Failure)> ReadUntilFailureAsync(PipeReader reader)
    {
        CancellationToken guard = Guard();
        var seen = new List<byte>();
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(guard);
                seen.AddRange(result.Buffer.ToArray());
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return ([.. seen], null);
                }
            }
        }
        catch (IOException ex)
        {
            return ([.. seen], ex);
        }
    }

    /// <summary>Bytes 0, 1, 2, … (mod 251), so that misplaced bytes show.</summary>
    public static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }
}

/// <summary>Two hosts, "a" and "b", on a network driven by a fake clock: the setup most network tests start from.</summary>
internal sealed class TwoHosts : IAsyncDisposable
{
    public TwoHosts()
    {
        Network = new InMemoryNetwork(Time);
        A = Network.CreateHost("a");
        B = Network.CreateHost("b");
    }

    public FakeTimeProvider Time { get; } = new();

    public InMemoryNetwork Network { get; }

    public InMemoryHost A { get; }

    public InMemoryHost B { get; }

    public void Deconstruct(out FakeTimeProvider time, out InMemoryNetwork network, out InMemoryHost a, out InMemoryHost b) =>
        (time, network, a, b) = (Time, Network, A, B);

    public ValueTask DisposeAsync() => Network.DisposeAsync();
}
