using System.IO.Pipelines;
using NSec.Cryptography;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// The noise-libp2p secure channel handshake (libp2p/specs noise/README.md): Noise XX over the 2-byte framing, each
/// side's libp2p identity key and its signature of the Noise static key in the encrypted payloads, then a
/// <see cref="SecureChannel"/> over the connection.
/// </summary>
/// <remarks>
/// <para>The Noise static key is made fresh for every handshake (the spec allows it, and go-libp2p does the same),
/// so it never needs storing. The prologue is empty, as in go-libp2p and js-libp2p over TCP.</para>
/// <para>On failure the transport is left as it is, with whatever was read consumed: the caller closes the
/// connection. On success the returned channel owns the transport.</para>
/// </remarks>
internal static class NoiseHandshake
{
    /// <summary>The protocol id multistream-select negotiates (the spec's "Negotiation").</summary>
    public const string ProtocolId = "/noise";

    /// <summary>Runs the dialler's side: writes message 1, reads 2, writes 3.</summary>
    /// <param name="transport">The connection, after multistream-select (bytes it already buffered are read from
    /// its <see cref="IDuplexPipe.Input"/>).</param>
    /// <param name="local">This node's identity.</param>
    /// <param name="expectedRemote">The peer dialled, when known: any other peer is refused.</param>
    /// <param name="options">Timeout and early muxer negotiation.</param>
    /// <param name="time">The clock behind the timeout.</param>
    /// <param name="cancellationToken">Abandons the handshake.</param>
    /// <exception cref="Libp2pProtocolException">A malformed or undecryptable message, a missing or undecodable
    /// identity key, a bad signature, another peer than <paramref name="expectedRemote"/>, or a timeout.</exception>
    /// <exception cref="IOException">The connection failed.</exception>
    public static Task<SecureChannel> InitiateAsync(
        IDuplexPipe transport, Libp2pIdentity local, PeerId? expectedRemote, NoiseOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(transport, local, expectedRemote, initiator: true, options, time, cancellationToken);

    /// <summary>Runs the listener's side: reads message 1, writes 2, reads 3.</summary>
    /// <inheritdoc cref="InitiateAsync" path="/param"/>
    /// <inheritdoc cref="InitiateAsync" path="/exception"/>
    public static Task<SecureChannel> RespondAsync(
        IDuplexPipe transport, Libp2pIdentity local, NoiseOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(transport, local, expectedRemote: null, initiator: false, options, time, cancellationToken);

    private static async Task<SecureChannel> RunAsync(
        IDuplexPipe transport, Libp2pIdentity local, PeerId? expectedRemote, bool initiator, NoiseOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        using var timeout = new CancellationTokenSource(options.HandshakeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using Key staticKey = Key.Create(KeyAgreementAlgorithm.X25519);
        using Key ephemeralKey = Key.Create(KeyAgreementAlgorithm.X25519);
        using var state = new NoiseXXHandshakeState(initiator, [], staticKey, ephemeralKey);
        byte[] localPayload = NoisePayload.Create(local, state.LocalStaticPublicKey, options.StreamMuxers);
        try
        {
            NoisePayload.Remote remote = initiator
                ? await InitiatorMessagesAsync(transport, state, localPayload, expectedRemote, linked.Token).ConfigureAwait(false)
                : await ResponderMessagesAsync(transport, state, localPayload, linked.Token).ConfigureAwait(false);

            (CipherState send, CipherState receive) = state.Split();
            return SecureChannel.Start(transport, send, receive, remote.Key, remote.StreamMuxers);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new Libp2pProtocolException(ProtocolId, $"the handshake did not finish within {options.HandshakeTimeout.TotalSeconds:0.###} s", ex);
        }
    }

    private static async Task<NoisePayload.Remote> InitiatorMessagesAsync(
        IDuplexPipe transport, NoiseXXHandshakeState state, byte[] localPayload, PeerId? expectedRemote, CancellationToken cancellationToken)
    {
        // -> e (no payload: the initiator's first message is unencrypted, and the spec puts its extensions in message 3)
        await WriteAsync(transport.Output, state, [], cancellationToken).ConfigureAwait(false);

        // <- e, ee, s, es, with the responder's payload
        byte[] payload = await ReadAsync(transport.Input, state, cancellationToken).ConfigureAwait(false);
        NoisePayload.Remote remote = NoisePayload.Verify(payload, state.RemoteStaticPublicKey, expectedRemote);

        // -> s, se, with ours
        await WriteAsync(transport.Output, state, localPayload, cancellationToken).ConfigureAwait(false);
        return remote;
    }

    private static async Task<NoisePayload.Remote> ResponderMessagesAsync(
        IDuplexPipe transport, NoiseXXHandshakeState state, byte[] localPayload, CancellationToken cancellationToken)
    {
        // -> e. Its payload could only be unauthenticated plaintext, and the spec forbids extensions there, so a
        // message carrying one is refused rather than buffered and ignored.
        byte[] first = await ReadAsync(transport.Input, state, cancellationToken).ConfigureAwait(false);
        if (first.Length != 0)
        {
            throw new Libp2pProtocolException(ProtocolId, $"the first handshake message carries a {first.Length}-byte payload; it must carry none");
        }

        // <- e, ee, s, es, with our payload
        await WriteAsync(transport.Output, state, localPayload, cancellationToken).ConfigureAwait(false);

        // -> s, se, with the initiator's
        byte[] payload = await ReadAsync(transport.Input, state, cancellationToken).ConfigureAwait(false);
        return NoisePayload.Verify(payload, state.RemoteStaticPublicKey, expectedRemote: null);
    }

    private static async ValueTask WriteAsync(PipeWriter output, NoiseXXHandshakeState state, byte[] payload, CancellationToken cancellationToken)
    {
        int length = state.MessageLength(payload.Length);
        if (length > NoiseFraming.MaxMessageLength)
        {
            throw new InvalidOperationException($"A {payload.Length}-byte handshake payload does not fit in a Noise message.");
        }

        byte[] message = new byte[length];
        int written = state.WriteMessage(payload, message);
        await NoiseFraming.WriteMessageAsync(output, message.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<byte[]> ReadAsync(PipeReader input, NoiseXXHandshakeState state, CancellationToken cancellationToken)
    {
        byte[] message = await NoiseFraming.ReadMessageAsync(input, cancellationToken).ConfigureAwait(false);
        byte[] payload = new byte[message.Length];
        int length = state.ReadMessage(message, payload);
        return payload.AsSpan(0, length).ToArray();
    }
}
