using System.Net;
using Venus.ChainSync.Libp2p.Transport;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>Connections: accepting, dialling, keeping one per peer, and trimming.</summary>
public sealed partial class Libp2pHost
{
    /// <summary>
    /// Connects to the peer at <paramref name="address"/> (which must end in <c>/p2p/&lt;peer id&gt;</c>) unless a
    /// connection is already open, and returns its peer id.
    /// </summary>
    /// <exception cref="ArgumentException">The address names no peer.</exception>
    /// <exception cref="IOException">The dial or the upgrade failed, or the peer is not the one named.</exception>
    public async ValueTask<PeerId> ConnectAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        PeerId peer = address.PeerId ?? throw new ArgumentException("The address has no /p2p/<peer id>.", nameof(address));
        AddAddress(peer, address);
        PeerConnection connection = await GetOrDialAsync(peer, cancellationToken).ConfigureAwait(false);
        return connection.RemotePeer;
    }

    /// <summary>Remembers an address of <paramref name="peer"/> for later dials (a bounded book; oldest go first).</summary>
    public void AddAddress(PeerId peer, Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (peer == LocalPeer)
        {
            return;
        }

        _addresses.Add(peer, address);
    }

    private async Task AcceptLoopAsync(TcpTransportListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpConnection tcp;
            try
            {
                tcp = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or IOException)
            {
                return;
            }
            catch (IOException ex)
            {
                // One failed accept (a reset before we took it) says nothing about the next.
                HostLog.AcceptFailed(_logger, ex);
                continue;
            }

            IPAddress ip = tcp.RemoteEndPoint.Address;
            if (!_inboundGate.TryAdmit(ip, out IDisposable? lease))
            {
                HostLog.InboundRefused(_logger, tcp.RemoteAddress, "inbound connection limit");
                tcp.Abort();
                await tcp.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            if (!_pendingUpgrades.Wait(0, CancellationToken.None))
            {
                HostLog.InboundRefused(_logger, tcp.RemoteAddress, "too many upgrades in progress");
                lease?.Dispose();
                tcp.Abort();
                await tcp.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            _work.Run(() => UpgradeInboundAsync(tcp, lease, stopping));
        }
    }

    private async Task UpgradeInboundAsync(TcpConnection tcp, IDisposable? lease, CancellationToken stopping)
    {
        PeerConnection connection;
        try
        {
            connection = await _upgrader.UpgradeInboundAsync(tcp, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            lease?.Dispose();
            if (!stopping.IsCancellationRequested)
            {
                HostLog.UpgradeFailed(_logger, tcp.RemoteAddress, ex);
            }

            return;
        }
        finally
        {
            _pendingUpgrades.Release();
        }

        Register(connection, lease, stopping);
    }

    /// <summary>Returns the open connection to <paramref name="peer"/>, dialling (once for all callers) when there is none.</summary>
    private async Task<PeerConnection> GetOrDialAsync(PeerId peer, CancellationToken cancellationToken)
    {
        if (peer == LocalPeer)
        {
            throw new IOException("cannot dial ourselves");
        }

        Task<PeerConnection> dial;
        lock (_gate)
        {
            if (_state != 1)
            {
                throw new IOException("the libp2p host is not running");
            }

            if (_connections.TryGetValue(peer, out PeerConnection? open) && !open.IsClosed)
            {
                return open;
            }

            if (!_dials.TryGetValue(peer, out dial!))
            {
                // The dial runs for every caller at once, on the host's token: one caller giving up does not abort
                // the others' dial.
                var ready = new TaskCompletionSource<PeerConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
                dial = ready.Task;
                _dials[peer] = dial;
                _work.Run(() => DialPeerAsync(peer, ready, _stopping.Token));
            }
        }

        return await dial.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DialPeerAsync(PeerId peer, TaskCompletionSource<PeerConnection> ready, CancellationToken stopping)
    {
        try
        {
            IReadOnlyList<Multiaddr> known = _addresses.Get(peer);
            var failures = new List<string>();
            foreach (Multiaddr address in known)
            {
                if (_backoff.IsBackedOff(peer, address))
                {
                    failures.Add($"{address}: backing off after a failed dial");
                    continue;
                }

                try
                {
                    TcpConnection tcp = await _transport.DialAsync(address, _options.DialTimeout, stopping).ConfigureAwait(false);
                    PeerConnection connection = await _upgrader.UpgradeOutboundAsync(tcp, peer, stopping).ConfigureAwait(false);
                    _backoff.Clear(peer);
                    PeerConnection kept = Register(connection, lease: null, stopping);
                    ready.TrySetResult(kept);
                    return;
                }
                catch (Exception ex) when (ex is IOException && !stopping.IsCancellationRequested)
                {
                    _backoff.RecordFailure(peer, address);
                    HostLog.DialFailed(_logger, peer, address, ex);
                    failures.Add($"{address}: {ex.Message}");
                }
            }

            ready.TrySetException(new IOException(known.Count == 0
                ? $"no address known for peer {peer}"
                : $"could not reach peer {peer}: {string.Join("; ", failures)}"));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            ready.TrySetException(new IOException("the libp2p host is stopping", ex));
        }
        finally
        {
            lock (_gate)
            {
                _dials.Remove(peer);
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="connection"/> the peer's connection (or closes it when the one kept is another) and
    /// starts its loops; returns the connection kept.
    /// </summary>
    private PeerConnection Register(PeerConnection connection, IDisposable? lease, CancellationToken stopping)
    {
        PeerId peer = connection.RemotePeer;
        PeerConnection? replaced = null;
        PeerConnection kept;
        bool first;
        lock (_gate)
        {
            _connections.TryGetValue(peer, out PeerConnection? existing);
            if (existing is not null && !existing.IsClosed && !Supersedes(connection, existing))
            {
                kept = existing;
                first = false;
            }
            else
            {
                replaced = existing;
                _connections[peer] = connection;
                kept = connection;
                first = existing is null || existing.IsClosed;
            }
        }

        if (!ReferenceEquals(kept, connection))
        {
            HostLog.DuplicateConnectionClosed(_logger, connection.RemotePeer, connection.IsOutbound);
            lease?.Dispose();
            _work.Run(async () => await connection.DisposeAsync().ConfigureAwait(false));
            return kept;
        }

        if (replaced is not null)
        {
            _work.Run(async () => await replaced.DisposeAsync().ConfigureAwait(false));
        }

        connection.TrimmerId = _trimmer.Add(peer, connection.OpenedAt, isInbound: !connection.IsOutbound);
        HostLog.Connected(_logger, peer, connection.RemoteAddress, connection.IsOutbound);
        if (first)
        {
            Raise(new ConnectionEvent(peer, ConnectionChange.Connected, connection.IsOutbound));
        }

        _work.Run(() => ServeConnectionAsync(connection, lease, stopping));
        _work.Run(() => IdentifyPeerAsync(connection, stopping));
        return connection;
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> should replace <paramref name="existing"/> to the same peer. Both peers
    /// must reach the same answer without talking: when they dialled each other, the connection dialled by the lower
    /// peer id wins; when the same side dialled twice, the newer one wins (that side evidently gave the old one up).
    /// </summary>
    private bool Supersedes(PeerConnection candidate, PeerConnection existing)
    {
        if (candidate.IsOutbound == existing.IsOutbound)
        {
            return true;
        }

        PeerId dialerOfCandidate = candidate.IsOutbound ? LocalPeer : candidate.RemotePeer;
        PeerId dialerOfExisting = existing.IsOutbound ? LocalPeer : existing.RemotePeer;
        return dialerOfCandidate.Bytes.SequenceCompareTo(dialerOfExisting.Bytes) < 0;
    }

    /// <summary>Accepts the connection's inbound streams until it closes, then unregisters it.</summary>
    private async Task ServeConnectionAsync(PeerConnection connection, IDisposable? lease, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                Multiplexing.YamuxStream stream;
                try
                {
                    stream = await connection.Session.AcceptStreamAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
                {
                    break;
                }

                _work.Run(() => HandleInboundStreamAsync(connection, stream, stopping));
            }
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            lease?.Dispose();
            Unregister(connection);
        }
    }

    private void Unregister(PeerConnection connection)
    {
        bool last;
        lock (_gate)
        {
            last = _connections.TryGetValue(connection.RemotePeer, out PeerConnection? current) && ReferenceEquals(current, connection);
            if (last)
            {
                _connections.Remove(connection.RemotePeer);
            }
        }

        _trimmer.Remove(connection.TrimmerId);
        if (last)
        {
            HostLog.Disconnected(_logger, connection.RemotePeer);
            Raise(new ConnectionEvent(connection.RemotePeer, ConnectionChange.Disconnected, connection.IsOutbound));
        }
    }

    private async Task BootstrapAsync(Multiaddr address, CancellationToken stopping)
    {
        try
        {
            await ConnectAsync(address, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            if (!stopping.IsCancellationRequested)
            {
                HostLog.BootstrapFailed(_logger, address, ex);
            }
        }
    }

    /// <summary>Every <see cref="Libp2pHostOptions.TrimInterval"/>, closes connections above the high water mark.</summary>
    private async Task TrimLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.TrimInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                foreach (PeerId peer in _trimmer.SelectPeersToClose(_time.GetUtcNow()))
                {
                    HostLog.Trimmed(_logger, peer);
                    await DisconnectAsync(peer, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>A peer's worth when trimming: peers we are exchanging streams with now are kept first.</summary>
    /// <summary>What a connection is worth when trimming: its open streams, plus the peer's gossipsub score when the
    /// router runs (as go-libp2p-pubsub feeds the connection manager), so peers that deliver blocks stay and peers
    /// that send invalid ones go first.</summary>
    internal double PeerValue(PeerId peer) => _streams.ActiveStreams(peer) + (Volatile.Read(ref _pubSubScore)?.Invoke(peer) ?? 0);

    private double ActiveStreamsValue(PeerId peer) => PeerValue(peer);
}
