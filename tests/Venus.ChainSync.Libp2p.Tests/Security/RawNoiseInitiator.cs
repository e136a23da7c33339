using System.Buffers.Binary;
using System.IO.Pipelines;
using NSec.Cryptography;
using Venus.ChainSync.Libp2p.Security;

namespace Venus.ChainSync.Libp2p.Tests.Security;

/// <summary>
/// A dialler built from the raw Noise layer, for hostile tests: it runs XX over a bare pipe end with whatever third
/// payload the test gives, then lets the test write arbitrary frames under the real transport keys.
/// </summary>
internal sealed class RawNoiseInitiator : IDisposable
{
    private readonly Key _static = Key.Create(KeyAgreementAlgorithm.X25519);
    private readonly Key _ephemeral = Key.Create(KeyAgreementAlgorithm.X25519);
    private readonly NoiseXXHandshakeState _state;
    private CipherState? _send;
    private CipherState? _receive;

    public RawNoiseInitiator(IDuplexPipe pipe)
    {
        Pipe = pipe;
        _state = new NoiseXXHandshakeState(true, [], _static, _ephemeral);
    }

    public IDuplexPipe Pipe { get; }

    /// <summary>The static key the third message carries (what a payload should sign).</summary>
    public ReadOnlySpan<byte> StaticPublicKey => _state.LocalStaticPublicKey;

    /// <summary>Writes message 1 and reads message 2 (whose payload is returned unchecked).</summary>
    public async Task<byte[]> StartAsync()
    {
        byte[] first = new byte[_state.MessageLength(0)];
        int written = _state.WriteMessage([], first);
        await NoiseFraming.WriteMessageAsync(Pipe.Output, first.AsMemory(0, written), CancellationToken.None);
        byte[] second = await NoiseFraming.ReadMessageAsync(Pipe.Input, CancellationToken.None);
        byte[] payload = new byte[second.Length];
        int length = _state.ReadMessage(second, payload);
        return payload[..length];
    }

    /// <summary>Writes message 3 with <paramref name="payload"/> (to <paramref name="output"/>, by default the connection) and takes the transport keys.</summary>
    public async Task FinishAsync(byte[] payload, PipeWriter? output = null)
    {
        byte[] third = new byte[_state.MessageLength(payload.Length)];
        int written = _state.WriteMessage(payload, third);
        await NoiseFraming.WriteMessageAsync(output ?? Pipe.Output, third.AsMemory(0, written), CancellationToken.None);
        (_send, _receive) = _state.Split();
    }

    /// <summary>A transport frame (length prefix included) sealing <paramref name="plaintext"/> under the next nonce.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        byte[] frame = new byte[2 + plaintext.Length + NoiseCipher.TagLength];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(plaintext.Length + NoiseCipher.TagLength));
        _send!.EncryptWithAd([], plaintext, frame.AsSpan(2));
        return frame;
    }

    /// <summary>Writes raw bytes to the connection.</summary>
    public async Task WriteRawAsync(byte[] bytes)
    {
        await Pipe.Output.WriteAsync(bytes);
    }

    public void Dispose()
    {
        _send?.Dispose();
        _receive?.Dispose();
        _state.Dispose();
        _static.Dispose();
        _ephemeral.Dispose();
    }
}
