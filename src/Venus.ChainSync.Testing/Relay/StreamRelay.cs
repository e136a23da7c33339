using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing.Relay;

/// <summary>
/// A stream whose two directions go through <see cref="RelayLane"/>s instead of a plain pipe pair, so that a link
/// can delay, pace or cut its bytes. Owns the lock both lanes share and their timers.
/// </summary>
internal sealed class StreamRelay
{
    internal StreamRelay(InMemoryNetwork network, PeerId opener, PeerId remote, string protocol, LinkFaults forward, LinkFaults backward)
    {
        Network = network;
        Forward = new RelayLane(this, forward, InMemoryNetwork.StreamBufferBytes);
        Backward = new RelayLane(this, backward, InMemoryNetwork.StreamBufferBytes);
        AtOpener = new RelayedStream(this, remote, protocol, incoming: Backward, outgoing: Forward);
        AtRemote = new RelayedStream(this, opener, protocol, incoming: Forward, outgoing: Backward);
    }

    /// <summary>The lock of both lanes: a reset touches both at once.</summary>
    internal object Gate { get; } = new();

    internal InMemoryNetwork Network { get; }

    /// <summary>Opener to remote.</summary>
    internal RelayLane Forward { get; }

    /// <summary>Remote to opener.</summary>
    internal RelayLane Backward { get; }

    internal RelayedStream AtOpener { get; }

    internal RelayedStream AtRemote { get; }

    internal TimeSpan Now => Network.Elapsed;

    /// <summary>A reset arrived in band (called under <see cref="Gate"/>): both receivers keep what they have.</summary>
    internal void ResetGracefully(IOException reset)
    {
        Forward.Fail(reset, graceful: true);
        Backward.Fail(reset, graceful: true);
    }

    /// <summary>Resets the stream at once, as <see cref="INetworkStream.Abort"/> says.</summary>
    internal void Abort(IOException reset)
    {
        lock (Gate)
        {
            Forward.Fail(reset, graceful: false);
            Backward.Fail(reset, graceful: false);
        }
    }

    /// <summary>Releases both lanes' timers; nothing is delivered afterwards.</summary>
    internal void Close()
    {
        lock (Gate)
        {
            Forward.Close();
            Backward.Close();
        }
    }
}
