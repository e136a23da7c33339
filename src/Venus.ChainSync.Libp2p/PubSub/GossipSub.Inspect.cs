using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Consistent views of the router's state, read on its loop (for tests and diagnostics).</summary>
public sealed partial class GossipSub
{
    /// <summary>The peers of our mesh for <paramref name="topic"/>.</summary>
    internal Task<PeerId[]> MeshAsync(string topic) => InspectAsync(() => _mesh.MeshOf(topic).ToArray());

    /// <summary>Whether <paramref name="peer"/> has announced <paramref name="topic"/> to us and our stream to it is up.</summary>
    internal Task<bool> KnowsSubscriberAsync(PeerId peer, string topic) =>
        InspectAsync(() => _links.ContainsKey(peer) && TopicsOf(peer).Contains(topic));

    /// <summary><paramref name="peer"/>'s score.</summary>
    internal Task<double> ScoreAsync(PeerId peer) => InspectAsync(() => _score.Score(peer));

    /// <summary>How many heartbeats have run.</summary>
    internal Task<int> HeartbeatsAsync() => InspectAsync(() => _heartbeats);

    /// <summary>Runs a heartbeat now (tests drive time themselves).</summary>
    internal Task HeartbeatNowAsync() => InspectAsync(() =>
    {
        OnHeartbeat();
        return true;
    });

    private Task<T> InspectAsync<T>(Func<T> read)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_local.Writer.TryWrite(new RouterEvent.Inspect(() => result.TrySetResult(read()))))
        {
            result.TrySetException(new InvalidOperationException("The gossipsub router is not running."));
        }

        return result.Task;
    }
}
