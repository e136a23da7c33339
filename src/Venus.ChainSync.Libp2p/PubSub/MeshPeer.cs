using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Which pubsub protocol a peer's stream negotiated.</summary>
internal enum PubSubProtocol
{
    /// <summary><c>/floodsub/1.0.0</c>: no mesh, no control messages; sent every message of its topics.</summary>
    FloodSub,

    /// <summary><c>/meshsub/1.0.0</c>: gossipsub v1.0 (no peer exchange, no backoff in PRUNE).</summary>
    MeshSub10,

    /// <summary><c>/meshsub/1.1.0</c>: gossipsub v1.1.</summary>
    MeshSub11,
}

/// <summary>What the mesh knows of one connected pubsub peer: its protocol, which side dialled, its topics.</summary>
/// <param name="id">The peer.</param>
/// <param name="protocol">The protocol its stream negotiated.</param>
/// <param name="outbound">Whether we dialled it (gossipsub v1.1 keeps <c>D_out</c> such peers in each mesh, so an
/// attacker who floods us with inbound connections cannot own the mesh).</param>
internal sealed class MeshPeer(PeerId id, PubSubProtocol protocol, bool outbound)
{
    /// <summary>The peer.</summary>
    public PeerId Id { get; } = id;

    /// <summary>The protocol its stream negotiated.</summary>
    public PubSubProtocol Protocol { get; } = protocol;

    /// <summary>Whether we dialled it.</summary>
    public bool Outbound { get; } = outbound;

    /// <summary>The topics it announced; the router caps how many it may hold.</summary>
    public HashSet<string> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether it takes part in meshes (GRAFT, PRUNE, IHAVE, IWANT).</summary>
    public bool SpeaksMesh => Protocol != PubSubProtocol.FloodSub;
}
