using System.Buffers;
using System.IO.Pipelines;
using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.Negotiation;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Security;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The libp2p host's parsers of what a peer sends before anything is trusted: a public key (identify, Noise), the
/// Noise handshake payload, an identify answer, and multistream-select as the listener reads it. Each refuses with
/// <see cref="Libp2pProtocolException"/> only (multistream also with <see cref="ProtocolNotSupportedException"/>
/// never, as a listener; a dialler that closes early gives null).
/// </summary>
internal static class Libp2pTargets
{
    public static void PublicKey(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        Libp2pPublicKey key;
        try
        {
            key = meter.Call(() => Libp2pPublicKey.Decode(input.Span));
        }
        catch (Libp2pProtocolException)
        {
            return;
        }

        // The canonical re-encoding names the same key and the same peer.
        Libp2pPublicKey again = Libp2pPublicKey.Decode(key.Encoded.Span);
        RoundTrip.Bytes("Libp2pPublicKey.Encoded", key.Encoded.Span, again.Encoded.Span);
        RoundTrip.That(again.PeerId == key.PeerId, "Libp2pPublicKey.Encoded names another peer id");
    }

    public static void NoisePayloadVerify(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        // The first 32 bytes play the remote's static key, the rest its handshake payload.
        if (input.Length < 32)
        {
            return;
        }

        try
        {
            meter.Call(() => NoisePayload.Verify(input.Span[32..], input.Span[..32], expectedRemote: null));
        }
        catch (Libp2pProtocolException)
        {
        }
    }

    public static void Identify(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        IdentifyInfo info;
        try
        {
            info = meter.Call(() => Synchronously.Complete(IdentifyProtocol.ReadAsync(
                PipeReader.Create(new ReadOnlySequence<byte>(input)), IdentifyLimits.Default, TimeProvider.System, CancellationToken.None)));
        }
        catch (Libp2pProtocolException)
        {
            return;
        }

        RoundTrip.That(info.Protocols.Count <= IdentifyLimits.Default.MaxProtocols, "identify kept more protocols than its limit");
        RoundTrip.That(info.ListenAddresses.Count <= IdentifyLimits.Default.MaxAddresses, "identify kept more addresses than its limit");
    }

    public static void MultistreamListen(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        var answers = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        var pipe = new Duplex(PipeReader.Create(new ReadOnlySequence<byte>(input)), answers.Writer);
        string? chosen;
        try
        {
            chosen = meter.Call(() => Synchronously.Complete(MultistreamSelect.ListenAsync(
                pipe, p => p is "/noise" or "/yamux/1.0.0", () => ["/noise", "/yamux/1.0.0"], TimeProvider.System, TimeSpan.FromSeconds(10), CancellationToken.None)));
        }
        catch (Libp2pProtocolException)
        {
            return;
        }

        RoundTrip.That(chosen is null or "/noise" or "/yamux/1.0.0", $"multistream chose '{chosen}', which is not served");
    }

    /// <summary>Length-prefixed pubsub RPCs to the end, as a router's inbound stream reads them; each message's
    /// StrictSign check and id, and each advertised id's parse.</summary>
    public static void PubSubRpc(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        PipeReader reader = PipeReader.Create(new ReadOnlySequence<byte>(input));
        while (true)
        {
            RPC? rpc;
            try
            {
                rpc = meter.Call(() => Synchronously.Complete(RpcFraming.ReadAsync(reader, 64 * 1024, CancellationToken.None)));
            }
            catch (Libp2pProtocolException)
            {
                return;
            }

            if (rpc is null)
            {
                return;
            }

            foreach (Message message in rpc.Publish)
            {
                SignatureCheck check = meter.Call(() => MessageSigning.Verify(message));
                RoundTrip.That(check.Status != SignatureStatus.Valid || MessageSigning.Verify(message).Author == check.Author, "a second check names another author");
                _ = MessageIdentity.Of(message);
            }

            foreach (ControlIHave ihave in rpc.Control?.Ihave ?? [])
            {
                foreach (Google.Protobuf.ByteString id in ihave.MessageIDs)
                {
                    _ = MessageId.TryFromBytes(id.Span, out _);
                }
            }
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
