using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Multiplexing;

/// <summary>A client session on the pair's left end and a server session on its right, on one fake clock.</summary>
internal sealed class YamuxSessionPair : IAsyncDisposable
{
    private YamuxSessionPair(YamuxSession client, YamuxSession server, FakeTimeProvider time)
    {
        Client = client;
        Server = server;
        Time = time;
    }

    public YamuxSession Client { get; }

    public YamuxSession Server { get; }

    public FakeTimeProvider Time { get; }

    public static YamuxSessionPair Start(YamuxOptions? options = null)
    {
        var pair = DuplexPipePair.Create();
        var time = new FakeTimeProvider();
        // No start-up ping by default: the tests use PingAsync as a barrier ("everything sent before has arrived"),
        // and a ping call joins one already in flight, which a start-up ping sent before the barrier's frames would be.
        options ??= new YamuxOptions { MeasureRoundTripAtStart = false };
        return new YamuxSessionPair(
            YamuxSession.Start(pair.Left, isClient: true, options, time),
            YamuxSession.Start(pair.Right, isClient: false, options, time),
            time);
    }

    /// <summary>Opens a stream on the client and accepts it on the server.</summary>
    public async Task<(YamuxStream Client, YamuxStream Server)> OpenAsync()
    {
        YamuxStream opened = await Client.OpenStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        YamuxStream accepted = await Server.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        return (opened, accepted);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>A peer that speaks raw frames to a session under test: the test plays the hostile side.</summary>
internal sealed class RawYamuxPeer
{
    public RawYamuxPeer(IDuplexPipe end)
    {
        End = end;
    }

    public IDuplexPipe End { get; }

    public async Task SendAsync(YamuxFrameType type, YamuxFlags flags, uint streamId, uint length, byte[]? payload = null)
    {
        await SendRawAsync(Header(type, flags, streamId, length));
        if (payload is not null)
        {
            await SendRawAsync(payload);
        }
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await End.Output.WriteAsync(bytes).AsTask().WaitAsync(YamuxTest.Guard);
    }

    public static byte[] Header(YamuxFrameType type, YamuxFlags flags, uint streamId, uint length)
    {
        var bytes = new byte[YamuxHeader.Size];
        bytes[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)flags);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), streamId);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), length);
        return bytes;
    }

    /// <summary>Reads the next frame the session sent, payload and all; null once the session closed its end.</summary>
    public async Task<(YamuxHeader Header, byte[] Payload)?> ReceiveAsync()
    {
        while (true)
        {
            ReadResult result = await End.Input.ReadAsync().AsTask().WaitAsync(YamuxTest.Guard);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= YamuxHeader.Size)
            {
                YamuxHeader header = YamuxHeader.Read(buffer.Slice(0, YamuxHeader.Size).ToArray());
                long payload = header.Type == YamuxFrameType.Data ? header.Length : 0;
                if (buffer.Length >= YamuxHeader.Size + payload)
                {
                    byte[] bytes = buffer.Slice(YamuxHeader.Size, payload).ToArray();
                    End.Input.AdvanceTo(buffer.GetPosition(YamuxHeader.Size + payload));
                    return (header, bytes);
                }
            }

            if (result.IsCompleted)
            {
                End.Input.AdvanceTo(buffer.End);
                return null;
            }

            End.Input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads frames until one of <paramref name="type"/> comes, collecting the ones before it.</summary>
    public async Task<(YamuxHeader Header, List<YamuxHeader> Before)> ReceiveUntilAsync(YamuxFrameType type)
    {
        var before = new List<YamuxHeader>();
        while (true)
        {
            (YamuxHeader Header, byte[] Payload)? frame = await ReceiveAsync();
            Assert.NotNull(frame);
            if (frame.Value.Header.Type == type)
            {
                return (frame.Value.Header, before);
            }

            before.Add(frame.Value.Header);
        }
    }

    /// <summary>Pings the session and waits for its answer: everything sent before is then processed.</summary>
    public async Task<List<YamuxHeader>> RoundTripAsync(uint value = 0xC0FFEE)
    {
        await SendAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, value);
        var before = new List<YamuxHeader>();
        while (true)
        {
            (YamuxHeader header, List<YamuxHeader> skipped) = await ReceiveUntilAsync(YamuxFrameType.Ping);
            before.AddRange(skipped);
            if (header.Flags == YamuxFlags.Ack && header.Length == value)
            {
                return before;
            }

            before.Add(header);
        }
    }
}

/// <summary>Shared test helpers.</summary>
internal static class YamuxTest
{
    /// <summary>The guard on every await that could hang.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    public static byte[] Pattern(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static async Task WriteAllAsync(PipeWriter writer, byte[] data, int chunk = 32 * 1024)
    {
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            await writer.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset))).AsTask().WaitAsync(Guard);
        }
    }

    public static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var all = new ArrayBufferWriter<byte>();
        while (true)
        {
            ReadResult result = await reader.ReadAsync().AsTask().WaitAsync(Guard);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.WrittenMemory.ToArray();
            }
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        var all = new ArrayBufferWriter<byte>();
        while (all.WrittenCount < count)
        {
            ReadResult result = await reader.ReadAsync().AsTask().WaitAsync(Guard);
            ReadOnlySequence<byte> take = result.Buffer.Slice(0, Math.Min(result.Buffer.Length, count - all.WrittenCount));
            foreach (ReadOnlyMemory<byte> segment in take)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(take.End);
            if (result.IsCompleted && all.WrittenCount < count)
            {
                throw new EndOfStreamException();
            }
        }

        return all.WrittenMemory.ToArray();
    }
}
