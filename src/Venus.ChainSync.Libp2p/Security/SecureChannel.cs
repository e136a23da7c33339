using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// A Noise transport-phase channel over a connection: <see cref="Input"/> and <see cref="Output"/> carry plaintext,
/// and two pumps it owns turn it into 2-byte-framed ChaChaPoly messages (libp2p/specs noise/README.md, "Wire
/// Format") and back.
/// </summary>
/// <remarks>
/// <para>Completing <see cref="Output"/> sends the frames still queued and then completes the transport's output (a
/// half-close); the transport's end of input completes <see cref="Input"/>, and a frame that fails to decrypt, or a
/// connection that ends inside a frame, faults it with <see cref="Libp2pProtocolException"/> (which may overtake
/// plaintext opened before it but not yet read: the connection is broken either way). Each direction buffers
/// at most about <see cref="BufferLimit"/> bytes before its writer waits.</para>
/// <para>Frames are opened straight from the transport's buffer into <see cref="Input"/>'s and sealed straight into the
/// transport's, with no buffers of the channel's own (a frame split across transport segments is first gathered into
/// the destination buffer and opened there in place).</para>
/// </remarks>
internal sealed class SecureChannel : IDuplexPipe, IAsyncDisposable
{
    /// <summary>Bytes each plaintext direction holds before its writer is paused (resumed at half).</summary>
    public const long BufferLimit = 1 << 20;

    private readonly IDuplexPipe _transport;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly NoiseCipher _sendCipher;
    private readonly NoiseCipher _receiveCipher;
    private readonly CancellationTokenSource _stop = new();
    private ulong _sendNonce;
    private ulong _receiveNonce;
    private Task _completion = Task.CompletedTask;
    private int _disposed;

    private SecureChannel(IDuplexPipe transport, CipherState send, CipherState receive, Libp2pPublicKey remoteKey, IReadOnlyList<string> remoteStreamMuxers)
    {
        _transport = transport;
        (_sendCipher, _sendNonce) = send.Detach();
        (_receiveCipher, _receiveNonce) = receive.Detach();
        RemoteKey = remoteKey;
        RemoteStreamMuxers = remoteStreamMuxers;
        var options = new PipeOptions(pauseWriterThreshold: BufferLimit, resumeWriterThreshold: BufferLimit / 2, useSynchronizationContext: false);
        _input = new Pipe(options);
        _output = new Pipe(options);
    }

    /// <summary>The authenticated remote peer.</summary>
    public PeerId RemotePeer => RemoteKey.PeerId;

    /// <summary>The remote's identity key, whose signature of its Noise static key was checked.</summary>
    public Libp2pPublicKey RemoteKey { get; }

    /// <summary>The stream muxers the remote offered in its handshake extensions (empty if none).</summary>
    public IReadOnlyList<string> RemoteStreamMuxers { get; }

    /// <summary>Decrypted bytes from the remote.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>Bytes to encrypt and send; complete it to half-close the connection.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>
    /// Ends when both pumps have ended: after both directions are closed, on disposal, or at once when the inbound side
    /// fails (a bad frame stops the sending pump too); faulted with the pumps' failure, if any.
    /// </summary>
    public Task Completion => _completion;

    /// <summary>Creates the channel over <paramref name="transport"/> and starts its pumps; it now owns the transport and the ciphers.</summary>
    internal static SecureChannel Start(IDuplexPipe transport, CipherState send, CipherState receive, Libp2pPublicKey remoteKey, IReadOnlyList<string> remoteStreamMuxers)
    {
        var channel = new SecureChannel(transport, send, receive, remoteKey, remoteStreamMuxers);
        // No token for Task.Run: a pump must always run, if only to see the cancellation and complete its pipes.
        channel._completion = Task.WhenAll(Task.Run(channel.DecryptLoopAsync), Task.Run(channel.EncryptLoopAsync));
        return channel;
    }

    /// <summary>Stops both pumps, completes every pipe and releases the keys; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _completion.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A pump's failure already reached the pipes (and Completion's own awaiters); disposal only stops them.
        }

        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        _sendCipher.Dispose();
        _receiveCipher.Dispose();
        _stop.Dispose();
    }

    private async Task DecryptLoopAsync()
    {
        PipeReader source = _transport.Input;
        PipeWriter sink = _input.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult result = await source.ReadAsync(_stop.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool opened = false;
                while (NoiseFraming.TryReadMessage(ref buffer, out ReadOnlySequence<byte> frame))
                {
                    Open(frame, sink);
                    opened = true;
                }

                source.AdvanceTo(buffer.Start, buffer.End);
                if (opened && (await sink.FlushAsync(_stop.Token).ConfigureAwait(false)).IsCompleted)
                {
                    break; // nobody reads Input any more
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new Libp2pProtocolException(NoiseHandshake.ProtocolId, $"the connection ended inside a frame ({buffer.Length} bytes of it came)");
                    }

                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await sink.CompleteAsync(failure).ConfigureAwait(false);
        await source.CompleteAsync().ConfigureAwait(false);
        if (failure is not null)
        {
            // A broken inbound side means a broken connection: the sending pump stops too, so that Completion
            // reports the fault now rather than when the owner disposes.
            await _stop.CancelAsync().ConfigureAwait(false);
            throw failure;
        }
    }

    private void Open(ReadOnlySequence<byte> frame, PipeWriter sink)
    {
        int length = (int)frame.Length;
        if (length < NoiseCipher.TagLength)
        {
            throw new Libp2pProtocolException(NoiseHandshake.ProtocolId, $"a {length}-byte frame is shorter than its authentication tag");
        }

        if (_receiveNonce == ulong.MaxValue)
        {
            throw new Libp2pProtocolException(NoiseHandshake.ProtocolId, "the remote sent 2^64 - 1 frames; Noise forbids reusing the last nonce");
        }

        int plaintextLength = length - NoiseCipher.TagLength;
        Span<byte> destination = sink.GetSpan(length);
        ReadOnlySpan<byte> ciphertext;
        if (frame.IsSingleSegment)
        {
            ciphertext = frame.FirstSpan;
        }
        else
        {
            frame.CopyTo(destination);
            ciphertext = destination[..length];
        }

        if (!_receiveCipher.TryDecrypt(_receiveNonce, [], ciphertext, destination[..plaintextLength]))
        {
            throw new Libp2pProtocolException(NoiseHandshake.ProtocolId, "a frame failed to decrypt (tampered, reordered or forged)");
        }

        _receiveNonce++;
        sink.Advance(plaintextLength);
    }

    private async Task EncryptLoopAsync()
    {
        PipeReader source = _output.Reader;
        PipeWriter sink = _transport.Output;
        Exception? failure = null;
        try
        {
            bool remoteGone = false;
            while (!remoteGone)
            {
                ReadResult result = await source.ReadAsync(_stop.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (!buffer.IsEmpty && !remoteGone)
                {
                    int chunk = (int)Math.Min(buffer.Length, NoiseFraming.MaxPlaintextLength);
                    Seal(buffer.Slice(0, chunk), sink);
                    buffer = buffer.Slice(chunk);
                    // A flush per frame lets the transport's back-pressure reach the writer of Output.
                    remoteGone = (await sink.FlushAsync(_stop.Token).ConfigureAwait(false)).IsCompleted;
                }

                source.AdvanceTo(buffer.Start);
                if (result.IsCompleted && buffer.IsEmpty)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await source.CompleteAsync(failure).ConfigureAwait(false);
        await sink.CompleteAsync(failure).ConfigureAwait(false);
        if (failure is not null)
        {
            throw failure;
        }
    }

    private void Seal(ReadOnlySequence<byte> plaintext, PipeWriter sink)
    {
        if (_sendNonce == ulong.MaxValue)
        {
            throw new InvalidOperationException("2^64 - 1 frames were sent; Noise forbids reusing the last nonce.");
        }

        int length = (int)plaintext.Length;
        int frameLength = NoiseFraming.PrefixLength + length + NoiseCipher.TagLength;
        Span<byte> frame = sink.GetSpan(frameLength)[..frameLength];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(length + NoiseCipher.TagLength));
        Span<byte> body = frame[NoiseFraming.PrefixLength..];
        plaintext.CopyTo(body);
        _sendCipher.Encrypt(_sendNonce++, [], body[..length], body);
        sink.Advance(frameLength);
    }
}
