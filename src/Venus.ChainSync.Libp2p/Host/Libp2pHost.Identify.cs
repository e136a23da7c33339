using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Negotiation;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>Identify, identify push and ping.</summary>
public sealed partial class Libp2pHost
{
    /// <summary>Most connections pushed to at once when our protocols change.</summary>
    private const int PushParallelism = 16;

    /// <summary>Measures the round trip to <paramref name="peer"/> with <c>/ipfs/ping/1.0.0</c>, dialling if needed.</summary>
    /// <exception cref="IOException">The peer cannot be reached, does not answer ping, or answered wrongly.</exception>
    public async ValueTask<TimeSpan> PingAsync(PeerId peer, CancellationToken cancellationToken)
    {
        PeerConnection connection = await GetOrDialAsync(peer, cancellationToken).ConfigureAwait(false);
        YamuxStream stream = await connection.Session.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await MultistreamSelect.SelectAsync(stream, [PingProtocol.Id], _time, _options.NegotiationTimeout, cancellationToken).ConfigureAwait(false);
            TimeSpan roundTrip = await PingProtocol.PingAsync(stream, _time, cancellationToken).ConfigureAwait(false);
            await stream.CompleteWritingAsync(cancellationToken).ConfigureAwait(false);
            return roundTrip;
        }
    }

    /// <summary>Asks a new connection's peer for its identify and raises <see cref="ConnectionChange.Identified"/>.</summary>
    private async Task IdentifyPeerAsync(PeerConnection connection, CancellationToken stopping)
    {
        IdentifyInfo? info = null;
        try
        {
            using var deadline = new CancellationTokenSource(_options.IdentifyTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
            YamuxStream stream = await connection.Session.OpenStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await MultistreamSelect.SelectAsync(stream, [IdentifyProtocol.Id], _time, _options.NegotiationTimeout, linked.Token).ConfigureAwait(false);
                await stream.CompleteWritingAsync(linked.Token).ConfigureAwait(false);
                info = await IdentifyProtocol.ReadAsync(stream.Input, IdentifyLimits.Default, _time, linked.Token).ConfigureAwait(false);
            }

            CheckKey(connection, info);
            foreach (Multiaddr address in info.ListenAddresses)
            {
                // go sends bare transport addresses; one that names a peer must name this one.
                if (address.PeerId is null)
                {
                    AddAddress(connection.RemotePeer, address.WithPeer(connection.RemotePeer));
                }
                else if (address.PeerId == connection.RemotePeer)
                {
                    AddAddress(connection.RemotePeer, address);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            info = null;
            if (!stopping.IsCancellationRequested)
            {
                HostLog.IdentifyFailed(_logger, connection.RemotePeer, ex);
            }
        }

        connection.SetIdentified(info);
        if (info is not null && IsCurrent(connection))
        {
            HostLog.Identified(_logger, connection.RemotePeer, info.AgentVersion ?? "", info.Protocols.Count);
            Raise(new ConnectionEvent(connection.RemotePeer, ConnectionChange.Identified, connection.IsOutbound) { Protocols = info.Protocols });
        }
    }

    /// <summary>A public key in identify must be the one the peer id and the Noise handshake proved.</summary>
    private static void CheckKey(PeerConnection connection, IdentifyInfo info)
    {
        if (info.PublicKey.IsEmpty)
        {
            return;
        }

        Libp2pPublicKey key = Libp2pPublicKey.Decode(info.PublicKey.Span);
        if (key.PeerId != connection.RemotePeer)
        {
            throw new Libp2pProtocolException(IdentifyProtocol.Id, $"identify carries the key of {key.PeerId}, not of {connection.RemotePeer}");
        }
    }

    private bool IsCurrent(PeerConnection connection)
    {
        lock (_gate)
        {
            return _connections.TryGetValue(connection.RemotePeer, out PeerConnection? current) && ReferenceEquals(current, connection);
        }
    }

    /// <summary>What we tell a peer about ourselves on <paramref name="connection"/>.</summary>
    private IdentifyInfo OurIdentify(PeerConnection connection) => new(
        _options.ProtocolVersion,
        _options.AgentVersion,
        _identity.PublicKey,
        _transportAddresses,
        connection.RemoteAddress,
        [.. ServedProtocols()],
        SkippedAddresses: 0);

    private async Task ServeIdentifyAsync(PeerConnection connection, YamuxStream stream, CancellationToken stopping)
    {
        using var deadline = new CancellationTokenSource(_options.IdentifyTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        await IdentifyProtocol.WriteAsync(stream.Output, OurIdentify(connection), linked.Token).ConfigureAwait(false);
        await stream.CompleteWritingAsync(linked.Token).ConfigureAwait(false);
    }

    private async Task ReceivePushAsync(PeerConnection connection, YamuxStream stream, CancellationToken stopping)
    {
        IdentifyInfo pushed = await IdentifyProtocol.ReadAsync(stream.Input, IdentifyLimits.Default, _time, stopping).ConfigureAwait(false);
        CheckKey(connection, pushed);
        IdentifyInfo merged = connection.Identify is { } previous ? previous.WithPush(pushed) : pushed;
        connection.UpdateIdentify(merged);
        HostLog.IdentifyPushed(_logger, connection.RemotePeer, merged.Protocols.Count);
    }

    /// <summary>Pushes our identify to every connected peer whenever our protocols change (coalesced).</summary>
    private async Task PushLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (bool _ in _pushSignal.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                PeerConnection[] open;
                lock (_gate)
                {
                    open = [.. _connections.Values];
                }

                await Parallel.ForEachAsync(
                    open,
                    new ParallelOptions { MaxDegreeOfParallelism = PushParallelism, CancellationToken = stopping },
                    async (connection, token) => await PushToAsync(connection, token).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PushToAsync(PeerConnection connection, CancellationToken stopping)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_options.IdentifyTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
            YamuxStream stream = await connection.Session.OpenStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await MultistreamSelect.SelectAsync(stream, [IdentifyProtocol.PushId], _time, _options.NegotiationTimeout, linked.Token).ConfigureAwait(false);
                await IdentifyProtocol.WriteAsync(stream.Output, OurIdentify(connection), linked.Token).ConfigureAwait(false);
                await stream.CompleteWritingAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            if (!stopping.IsCancellationRequested)
            {
                HostLog.PushFailed(_logger, connection.RemotePeer, ex);
            }
        }
    }
}
