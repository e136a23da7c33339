using System.IO.Pipelines;

namespace Venus.ChainSync.Network;

/// <summary>
/// One libp2p stream for one protocol: bytes both ways as pipes, with half-close and reset.
/// </summary>
/// <remarks>
/// <para>Half-close: completing <see cref="IDuplexPipe.Output"/> (or calling <see cref="CompleteWritingAsync"/>)
/// tells the remote that no more bytes come, while <see cref="IDuplexPipe.Input"/> keeps delivering what the remote
/// still writes. The remote sees the end of its input once our output is complete.</para>
/// <para><see cref="Abort"/> resets the stream: both sides' pending and later reads and writes fail. Disposing
/// completes both directions and releases the stream; it never throws.</para>
/// </remarks>
public interface INetworkStream : IDuplexPipe, IAsyncDisposable
{
    /// <summary>The peer at the other end.</summary>
    PeerId RemotePeer { get; }

    /// <summary>The protocol id the stream was opened for.</summary>
    string Protocol { get; }

    /// <summary>Flushes and completes our side's output (half-close); reading goes on.</summary>
    ValueTask CompleteWritingAsync(CancellationToken cancellationToken = default);

    /// <summary>Resets the stream: both ends' reads and writes fail from now on.</summary>
    void Abort(Exception? reason = null);
}
