using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Libp2p.Security;
using Venus.ChainSync.Libp2p.Transport;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// One upgraded connection to a peer: TCP, secured by Noise, multiplexed by Yamux. Owns the three layers and
/// disposes them top down.
/// </summary>
internal sealed class PeerConnection : IAsyncDisposable
{
    private static long _nextId;
    private readonly TaskCompletionSource<IdentifyInfo?> _identified = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IdentifyInfo? _identify;
    private int _disposed;

    public PeerConnection(TcpConnection tcp, SecureChannel secure, YamuxSession session, DateTimeOffset openedAt)
    {
        Tcp = tcp;
        Secure = secure;
        Session = session;
        OpenedAt = openedAt;
        Id = Interlocked.Increment(ref _nextId);
    }

    /// <summary>A number naming the connection in logs.</summary>
    public long Id { get; }

    /// <summary>The TCP layer.</summary>
    public TcpConnection Tcp { get; }

    /// <summary>The Noise layer (it knows the remote's verified identity).</summary>
    public SecureChannel Secure { get; }

    /// <summary>The Yamux session streams are opened on.</summary>
    public YamuxSession Session { get; }

    /// <summary>When the connection was upgraded.</summary>
    public DateTimeOffset OpenedAt { get; }

    /// <summary>The connection's entry in the host's trimmer.</summary>
    public long TrimmerId { get; set; }

    /// <summary>The remote's peer id, proven by the Noise handshake.</summary>
    public PeerId RemotePeer => Secure.RemotePeer;

    /// <summary>Whether this node dialled.</summary>
    public bool IsOutbound => Tcp.IsOutbound;

    /// <summary>The peer's address as this node sees it.</summary>
    public Multiaddr RemoteAddress => Tcp.RemoteAddress;

    /// <summary>The latest identify of the peer (merged with its pushes), or null before it is in.</summary>
    public IdentifyInfo? Identify => _identify;

    /// <summary>Completes with the first identify (null when it failed) .</summary>
    public Task<IdentifyInfo?> Identified => _identified.Task;

    /// <summary>Records the first identify, or its failure.</summary>
    public void SetIdentified(IdentifyInfo? info)
    {
        if (info is not null)
        {
            _identify = info;
        }

        _identified.TrySetResult(info);
    }

    /// <summary>Replaces the identify with a pushed update.</summary>
    public void UpdateIdentify(IdentifyInfo info) => _identify = info;

    /// <summary>Whether the session has ended.</summary>
    public bool IsClosed => Session.IsClosed;

    /// <summary>Closes the connection at once; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _identified.TrySetResult(null);
        await Session.DisposeAsync().ConfigureAwait(false);
        await Secure.DisposeAsync().ConfigureAwait(false);
        await Tcp.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"connection {Id} to {RemotePeer} ({(IsOutbound ? "out" : "in")}, {RemoteAddress})";
}
