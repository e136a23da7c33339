namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>Why a TCP dial failed, so a caller can tell a dead address (back off) from one it should never dial.</summary>
internal enum TcpDialFailure
{
    /// <summary>The address is not one TCP can dial (no <c>/tcp</c>, another transport, a name of the wrong family).</summary>
    Unsupported,

    /// <summary>The DNS name resolved to no address of the wanted family, or resolution failed.</summary>
    Unresolved,

    /// <summary>The remote refused, reset or could not be reached.</summary>
    Refused,

    /// <summary>Resolution and connection together took longer than the dial timeout.</summary>
    TimedOut,
}
