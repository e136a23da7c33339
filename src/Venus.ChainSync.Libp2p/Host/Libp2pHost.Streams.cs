using System.IO.Pipelines;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Negotiation;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>Streams: opening them for the ports, and dispatching inbound ones to their handlers.</summary>
public sealed partial class Libp2pHost
{
    /// <summary>The protocols the host answers itself.</summary>
    private static readonly HashSet<string> BuiltInProtocols =
        new([IdentifyProtocol.Id, IdentifyProtocol.PushId, PingProtocol.Id], StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <remarks>
    /// Dials when there is no connection. When the peer's identify lists <paramref name="protocol"/>, the proposal is
    /// sent optimistically with the first bytes (multistream-select's lazy mode, as go-libp2p does); otherwise the
    /// protocol is agreed before the stream is returned.
    /// </remarks>
    public async ValueTask<INetworkStream> OpenStreamAsync(PeerId peer, string protocol, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        PeerConnection connection = await GetOrDialAsync(peer, cancellationToken).ConfigureAwait(false);
        return await OpenStreamOnAsync(connection, protocol, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<INetworkStream> OpenStreamOnAsync(PeerConnection connection, string protocol, CancellationToken cancellationToken)
    {
        if (!_streams.TryOpen(connection.RemotePeer, protocol, inbound: false, out IDisposable? lease))
        {
            throw new IOException($"too many streams open to {connection.RemotePeer}");
        }

        YamuxStream? stream = null;
        try
        {
            stream = await connection.Session.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
            IDuplexPipe pipe;
            if (connection.Identify?.Protocols.Contains(protocol) == true)
            {
                // The proposal leaves now, without waiting for the echo (checked on the first read): one round trip
                // saved, and a user that only reads still sends it.
                pipe = MultistreamSelect.SelectLazily(stream, protocol);
                await stream.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await MultistreamSelect.SelectAsync(stream, [protocol], _time, _options.NegotiationTimeout, cancellationToken).ConfigureAwait(false);
                pipe = stream;
            }

            return new Libp2pStream(stream, pipe, connection.RemotePeer, protocol, lease);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lease?.Dispose();
            if (stream is not null)
            {
                stream.Abort(ex);
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw ex as IOException ?? new IOException($"could not open {protocol} to {connection.RemotePeer}: {ex.Message}", ex);
        }
    }

    /// <summary>Agrees an inbound stream's protocol and runs its handler; any failure resets that stream only.</summary>
    private async Task HandleInboundStreamAsync(PeerConnection connection, YamuxStream stream, CancellationToken stopping)
    {
        IDisposable? lease = null;
        try
        {
            string? protocol = await MultistreamSelect.ListenAsync(
                stream, IsServed, ServedProtocols, _time, _options.NegotiationTimeout, stopping).ConfigureAwait(false);
            if (protocol is null)
            {
                return;
            }

            if (!_streams.TryOpen(connection.RemotePeer, protocol, inbound: true, out lease))
            {
                HostLog.StreamRefused(_logger, connection.RemotePeer, protocol);
                stream.Abort(new IOException("stream limit"));
                return;
            }

            switch (protocol)
            {
                case IdentifyProtocol.Id:
                    await ServeIdentifyAsync(connection, stream, stopping).ConfigureAwait(false);
                    return;
                case IdentifyProtocol.PushId:
                    await ReceivePushAsync(connection, stream, stopping).ConfigureAwait(false);
                    return;
                case PingProtocol.Id:
                    await PingProtocol.ServeAsync(stream, _time, stopping).ConfigureAwait(false);
                    return;
            }

            if (!_handlers.TryGetValue(protocol, out StreamHandler? handler))
            {
                // Removed between negotiation and now.
                stream.Abort(new IOException($"{protocol} is no longer served"));
                return;
            }

            var wrapped = new Libp2pStream(stream, stream, connection.RemotePeer, protocol, lease);
            lease = null;
            await using (wrapped.ConfigureAwait(false))
            {
                try
                {
                    await handler(wrapped, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A failing handler resets its own stream only, as the port promises.
                    HostLog.HandlerFailed(_logger, connection.RemotePeer, protocol, ex);
                    wrapped.Abort(ex);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            if (!stopping.IsCancellationRequested)
            {
                HostLog.InboundStreamFailed(_logger, connection.RemotePeer, ex);
            }

            stream.Abort(ex);
        }
        finally
        {
            lease?.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool IsServed(string protocol) =>
        _handlers.ContainsKey(protocol) || (BuiltInProtocols.Contains(protocol) && (protocol != PingProtocol.Id || _options.EnablePing));

    /// <summary>Every protocol identify lists and multistream's <c>ls</c> answers, sorted.</summary>
    private IReadOnlyCollection<string> ServedProtocols()
    {
        var all = new SortedSet<string>(_handlers.Keys, StringComparer.Ordinal) { IdentifyProtocol.Id, IdentifyProtocol.PushId };
        if (_options.EnablePing)
        {
            all.Add(PingProtocol.Id);
        }

        return all;
    }
}
