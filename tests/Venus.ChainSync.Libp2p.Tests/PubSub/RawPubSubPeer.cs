using System.Threading.Channels;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>
/// A pubsub peer written against the wire: a libp2p host that lists <c>/meshsub/1.1.0</c>, collects every RPC the
/// router sends it, and writes whatever RPCs (or bytes) a test crafts on its own stream to the router.
/// </summary>
internal sealed class RawPubSubPeer
{
    private readonly Channel<RPC> _received = Channel.CreateUnbounded<RPC>();
    private readonly Queue<RPC> _putBack = new();
    private INetworkStream? _stream;
    private PeerId _router;

    private RawPubSubPeer(Libp2pHost host)
    {
        Host = host;
        Signer = new MessageSigner(host.Identity, TimeProvider.System);
        host.SetStreamHandler(GossipSub.MeshSub11, ReadAsync);
    }

    public Libp2pHost Host { get; }

    public MessageSigner Signer { get; }

    public static RawPubSubPeer On(Libp2pHost host) => new(host);

    /// <summary>Opens our stream to <paramref name="router"/> (once).</summary>
    public async Task<INetworkStream> StreamToAsync(PeerId router)
    {
        if (_stream is null)
        {
            _router = router;
            _stream = await Host.OpenStreamAsync(router, GossipSub.MeshSub11, TestGuard.Token());
        }

        return _stream;
    }

    /// <summary>Writes <paramref name="rpc"/> on our stream (to <paramref name="router"/>, or the one already open
    /// when it is default).</summary>
    public async Task SendAsync(PeerId router, RPC rpc)
    {
        INetworkStream stream = await StreamToAsync(router.IsDefined ? router : _router);
        await RpcFraming.WriteAsync(stream.Output, rpc, ct: TestGuard.Token());
    }

    public async Task SendRawAsync(PeerId router, byte[] bytes)
    {
        INetworkStream stream = await StreamToAsync(router);
        await stream.Output.WriteAsync(bytes, TestGuard.Token());
    }

    public static RPC Subscribe(string topic) => new() { Subscriptions = { new RPC.Types.SubOpts { Subscribe = true, Topicid = topic } } };

    public static RPC Publish(Message message) => new() { Publish = { message } };

    /// <summary>The next RPC the router sent us that <paramref name="match"/> accepts.</summary>
    public async Task<RPC> NextAsync(Func<RPC, bool> match)
    {
        CancellationToken guard = TestGuard.Token();
        while (true)
        {
            RPC rpc = _putBack.Count > 0 ? _putBack.Dequeue() : await _received.Reader.ReadAsync(guard);
            if (match(rpc))
            {
                return rpc;
            }
        }
    }

    /// <summary>The RPCs received so far, without waiting.</summary>
    public List<RPC> Drain()
    {
        var rpcs = new List<RPC>(_putBack);
        _putBack.Clear();
        while (_received.Reader.TryRead(out RPC? rpc))
        {
            rpcs.Add(rpc);
        }

        return rpcs;
    }

    /// <summary>Returns RPCs a caller read past to the front of the queue, in order.</summary>
    public void PutBack(IEnumerable<RPC> rpcs)
    {
        foreach (RPC rpc in rpcs)
        {
            _putBack.Enqueue(rpc);
        }
    }

    private async Task ReadAsync(INetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            while (await RpcFraming.ReadAsync(stream.Input, ct: cancellationToken) is { } rpc)
            {
                await _received.Writer.WriteAsync(rpc, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Libp2pProtocolException)
        {
            // The router closed its stream.
        }
    }
}
