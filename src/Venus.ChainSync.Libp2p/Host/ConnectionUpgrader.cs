using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Negotiation;
using Venus.ChainSync.Libp2p.Security;
using Venus.ChainSync.Libp2p.Transport;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// Turns a raw TCP connection into a <see cref="PeerConnection"/>: multistream-select for <c>/noise</c>, the Noise
/// XX handshake, multistream-select for <c>/yamux/1.0.0</c>, then a Yamux session — the order and the choices Lotus
/// makes (Noise first, Yamux only). The dialler is the Noise initiator and the Yamux client.
/// </summary>
/// <remarks>
/// The whole upgrade runs under one deadline, so a peer that stalls at any step costs at most that time and one
/// pending-upgrade slot. On any failure the TCP connection is closed and the exception is thrown to the caller.
/// </remarks>
internal sealed class ConnectionUpgrader(
    Libp2pIdentity identity,
    TimeSpan upgradeTimeout,
    NoiseOptions noise,
    YamuxOptions yamux,
    TimeProvider time)
{
    private static readonly string[] Security = [NoiseHandshake.ProtocolId];
    private static readonly string[] Muxers = [YamuxSession.ProtocolId];

    /// <summary>Upgrades a connection this node dialled; <paramref name="expected"/> is the peer id dialled.</summary>
    /// <exception cref="IOException">The peer broke a protocol, is not <paramref name="expected"/>, or was too slow.</exception>
    public async Task<PeerConnection> UpgradeOutboundAsync(TcpConnection tcp, PeerId? expected, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(upgradeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        SecureChannel? secure = null;
        try
        {
            await MultistreamSelect.SelectAsync(tcp, Security, time, upgradeTimeout, linked.Token).ConfigureAwait(false);
            secure = await NoiseHandshake.InitiateAsync(tcp, identity, expected, noise, time, linked.Token).ConfigureAwait(false);
            await MultistreamSelect.SelectAsync(secure, Muxers, time, upgradeTimeout, linked.Token).ConfigureAwait(false);
            YamuxSession session = YamuxSession.Start(secure, isClient: true, yamux, time);
            return new PeerConnection(tcp, secure, session, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await CloseAsync(tcp, secure).ConfigureAwait(false);
            throw Translate(ex, deadline, cancellationToken);
        }
    }

    /// <summary>Upgrades a connection a peer dialled to us.</summary>
    /// <exception cref="IOException">The peer broke a protocol, asked for nothing we speak, or was too slow.</exception>
    public async Task<PeerConnection> UpgradeInboundAsync(TcpConnection tcp, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(upgradeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        SecureChannel? secure = null;
        try
        {
            _ = await MultistreamSelect.ListenAsync(tcp, IsSecurity, () => Security, time, upgradeTimeout, linked.Token).ConfigureAwait(false)
                ?? throw new Libp2pProtocolException(MultistreamSelect.ProtocolId, "the peer closed before choosing a security protocol");
            secure = await NoiseHandshake.RespondAsync(tcp, identity, noise, time, linked.Token).ConfigureAwait(false);
            _ = await MultistreamSelect.ListenAsync(secure, IsMuxer, () => Muxers, time, upgradeTimeout, linked.Token).ConfigureAwait(false)
                ?? throw new Libp2pProtocolException(MultistreamSelect.ProtocolId, "the peer closed before choosing a muxer");
            YamuxSession session = YamuxSession.Start(secure, isClient: false, yamux, time);
            return new PeerConnection(tcp, secure, session, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await CloseAsync(tcp, secure).ConfigureAwait(false);
            throw Translate(ex, deadline, cancellationToken);
        }
    }

    private static bool IsSecurity(string protocol) => protocol == NoiseHandshake.ProtocolId;

    private static bool IsMuxer(string protocol) => protocol == YamuxSession.ProtocolId;

    private static async ValueTask CloseAsync(TcpConnection tcp, SecureChannel? secure)
    {
        if (secure is not null)
        {
            await secure.DisposeAsync().ConfigureAwait(false);
        }

        await tcp.DisposeAsync().ConfigureAwait(false);
    }

    private static Exception Translate(Exception ex, CancellationTokenSource deadline, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => ex,
        OperationCanceledException when deadline.IsCancellationRequested =>
            new Libp2pProtocolException("upgrade", "the peer did not finish securing and multiplexing in time", ex),
        IOException => ex,
        _ => new Libp2pProtocolException("upgrade", ex.Message, ex),
    };
}
