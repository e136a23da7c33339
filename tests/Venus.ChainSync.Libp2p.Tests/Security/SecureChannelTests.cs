using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Venus.ChainSync.Libp2p.Security;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Security;

/// <summary>The transport phase: data both ways, ordering, half-close, and frames that break the rules.</summary>
public sealed class SecureChannelTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly Libp2pIdentity _dialler = Libp2pIdentity.Generate();
    private readonly Libp2pIdentity _listener = Libp2pIdentity.Generate();

    public void Dispose()
    {
        _dialler.Dispose();
        _listener.Dispose();
    }

    [Fact]
    public async Task Ten_mebibytes_cross_in_both_directions_at_once_in_order()
    {
        (SecureChannel dialled, SecureChannel listened) = await NoiseHandshakeTests.ConnectAsync(DuplexPipePair.Create(), _dialler, _listener);
        await using (dialled)
        await using (listened)
        {
            byte[] one = RandomNumberGenerator.GetBytes(10 << 20);
            byte[] other = RandomNumberGenerator.GetBytes(10 << 20);

            Task<byte[]> toListener = ReadToEndAsync(listened.Input);
            Task<byte[]> toDialler = ReadToEndAsync(dialled.Input);
            await Task.WhenAll(WriteAndCompleteAsync(dialled.Output, one), WriteAndCompleteAsync(listened.Output, other)).WaitAsync(Guard);

            byte[] atListener = await toListener.WaitAsync(Guard);
            byte[] atDialler = await toDialler.WaitAsync(Guard);
            Assert.True(one.AsSpan().SequenceEqual(atListener));
            Assert.True(other.AsSpan().SequenceEqual(atDialler));
            await Task.WhenAll(dialled.Completion, listened.Completion).WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task Many_small_writes_arrive_in_order()
    {
        (SecureChannel dialled, SecureChannel listened) = await NoiseHandshakeTests.ConnectAsync(DuplexPipePair.Create(), _dialler, _listener);
        await using (dialled)
        await using (listened)
        {
            Task<byte[]> received = ReadToEndAsync(listened.Input);
            for (int i = 0; i < 1000; i++)
            {
                await dialled.Output.WriteAsync(BitConverter.GetBytes(i));
            }

            await dialled.Output.CompleteAsync();
            byte[] bytes = await received.WaitAsync(Guard);

            Assert.Equal(4000, bytes.Length);
            for (int i = 0; i < 1000; i++)
            {
                Assert.Equal(i, BitConverter.ToInt32(bytes, i * 4));
            }
        }
    }

    [Fact]
    public async Task After_one_end_half_closes_the_other_still_sends()
    {
        (SecureChannel dialled, SecureChannel listened) = await NoiseHandshakeTests.ConnectAsync(DuplexPipePair.Create(), _dialler, _listener);
        await using (dialled)
        await using (listened)
        {
            await dialled.Output.WriteAsync("request"u8.ToArray());
            await dialled.Output.CompleteAsync();

            byte[] request = await ReadToEndAsync(listened.Input).WaitAsync(Guard);
            await WriteAndCompleteAsync(listened.Output, "response"u8.ToArray()).WaitAsync(Guard);
            byte[] response = await ReadToEndAsync(dialled.Input).WaitAsync(Guard);

            Assert.Equal("request"u8.ToArray(), request);
            Assert.Equal("response"u8.ToArray(), response);
            await Task.WhenAll(dialled.Completion, listened.Completion).WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task A_tampered_frame_faults_input_with_a_protocol_violation()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (RawNoiseInitiator raw, SecureChannel listened) = await RawConnectAsync(pair);
        using (raw)
        await using (listened)
        {
            byte[] good = raw.Seal("fine"u8);
            byte[] bad = raw.Seal("tampered"u8);
            bad[5] ^= 0x80;

            await raw.WriteRawAsync([.. good, .. bad]);

            // The fault may overtake plaintext not yet read: a pipe completed with an error throws at once.
            await Assert.ThrowsAsync<Libp2pProtocolException>(() => ReadToEndAsync(listened.Input).WaitAsync(Guard));
            await Assert.ThrowsAsync<Libp2pProtocolException>(() => listened.Completion.WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task A_replayed_frame_fails_to_decrypt()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (RawNoiseInitiator raw, SecureChannel listened) = await RawConnectAsync(pair);
        using (raw)
        await using (listened)
        {
            byte[] frame = raw.Seal("once"u8);

            await raw.WriteRawAsync([.. frame, .. frame]);

            await Assert.ThrowsAsync<Libp2pProtocolException>(() => ReadToEndAsync(listened.Input).WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task A_connection_that_ends_inside_a_frame_faults_input()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (RawNoiseInitiator raw, SecureChannel listened) = await RawConnectAsync(pair);
        using (raw)
        await using (listened)
        {
            byte[] frame = raw.Seal("cut short"u8);

            await raw.WriteRawAsync(frame[..^3]);
            await pair.Left.Output.CompleteAsync();

            await Assert.ThrowsAsync<Libp2pProtocolException>(() => ReadToEndAsync(listened.Input).WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task A_frame_shorter_than_a_tag_is_a_protocol_violation()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (RawNoiseInitiator raw, SecureChannel listened) = await RawConnectAsync(pair);
        using (raw)
        await using (listened)
        {
            await raw.WriteRawAsync([0x00, 0x03, 1, 2, 3]);

            await Assert.ThrowsAsync<Libp2pProtocolException>(() => ReadToEndAsync(listened.Input).WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task The_end_of_the_connection_completes_input_cleanly()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (RawNoiseInitiator raw, SecureChannel listened) = await RawConnectAsync(pair);
        using (raw)
        await using (listened)
        {
            await pair.Left.Output.CompleteAsync();

            ReadResult end = await listened.Input.ReadAsync().AsTask().WaitAsync(Guard);
            Assert.True(end.IsCompleted);
            Assert.True(end.Buffer.IsEmpty);
        }
    }

    [Fact]
    public async Task Dispose_stops_both_pumps_and_does_not_throw_even_twice()
    {
        (SecureChannel dialled, SecureChannel listened) = await NoiseHandshakeTests.ConnectAsync(DuplexPipePair.Create(), _dialler, _listener);
        await using (listened)
        {
            await dialled.DisposeAsync().AsTask().WaitAsync(Guard);
            await dialled.DisposeAsync().AsTask().WaitAsync(Guard);

            Assert.True(dialled.Completion.IsCompleted);
            // The listener sees the dialler's end of the connection.
            ReadResult end = await listened.Input.ReadAsync().AsTask().WaitAsync(Guard);
            Assert.True(end.IsCompleted);
        }
    }

    [Fact]
    public async Task Disposing_at_once_after_the_handshake_still_closes_the_connection()
    {
        (SecureChannel dialled, SecureChannel listened) = await NoiseHandshakeTests.ConnectAsync(DuplexPipePair.Create(), _dialler, _listener);
        await using (listened)
        {
            await dialled.DisposeAsync().AsTask().WaitAsync(Guard);

            byte[] rest = await ReadToEndAsync(listened.Input).WaitAsync(Guard);
            Assert.Empty(rest);
        }
    }

    [Fact]
    public async Task A_frame_split_across_transport_segments_is_opened()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (RawNoiseInitiator raw, SecureChannel listened) = await RawConnectAsync(pair);
        using (raw)
        await using (listened)
        {
            byte[] plaintext = RandomNumberGenerator.GetBytes(NoiseFraming.MaxPlaintextLength);
            byte[] frame = raw.Seal(plaintext);

            for (int at = 0; at < frame.Length; at += 1000)
            {
                await raw.WriteRawAsync(frame[at..Math.Min(frame.Length, at + 1000)]);
            }

            await pair.Left.Output.CompleteAsync();
            byte[] received = await ReadToEndAsync(listened.Input).WaitAsync(Guard);
            Assert.True(plaintext.AsSpan().SequenceEqual(received));
        }
    }

    private async Task<(RawNoiseInitiator Raw, SecureChannel Listened)> RawConnectAsync(DuplexPipePair pair)
    {
        var raw = new RawNoiseInitiator(pair.Left);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);
        await raw.StartAsync().WaitAsync(Guard);
        await raw.FinishAsync(NoisePayload.Create(_dialler, raw.StaticPublicKey, [])).WaitAsync(Guard);
        return (raw, await listen.WaitAsync(Guard));
    }

    private static async Task WriteAndCompleteAsync(PipeWriter output, byte[] data)
    {
        // Uneven pieces, so that frames and writes do not line up.
        int at = 0;
        var random = new Random(data.Length);
        while (at < data.Length)
        {
            int piece = Math.Min(data.Length - at, random.Next(1, 200_000));
            await output.WriteAsync(data.AsMemory(at, piece));
            at += piece;
        }

        await output.CompleteAsync();
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader input)
    {
        using var collected = new MemoryStream();
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                collected.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await input.CompleteAsync();
                return collected.ToArray();
            }
        }
    }
}
