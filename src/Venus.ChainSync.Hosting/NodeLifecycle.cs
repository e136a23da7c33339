namespace Venus.ChainSync.Hosting;

/// <summary>
/// Whether the node is running, as its hosted service reports it: <see cref="ISyncApi"/> is usable only in between,
/// because before start the dispatcher takes nothing in and after stop nothing would ever sync what it was given.
/// </summary>
internal sealed class NodeLifecycle : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private int _state; // 0 not started, 1 running, 2 stopped

    /// <summary>Cancelled when the node begins to stop (ends waits and streams of the API).</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Started() => Interlocked.CompareExchange(ref _state, 1, 0);

    public void Stop()
    {
        Volatile.Write(ref _state, 2);
        _stopping.Cancel();
    }

    /// <summary>Throws unless the node is running.</summary>
    /// <exception cref="InvalidOperationException">The node has not started, or has stopped.</exception>
    public void ThrowIfNotRunning()
    {
        switch (Volatile.Read(ref _state))
        {
            case 0:
                throw new InvalidOperationException("The chain sync node has not started: ISyncApi is usable once its hosted service has started.");
            case 2:
                throw new InvalidOperationException("The chain sync node has stopped: ISyncApi is not usable after its hosted service stopped.");
        }
    }

    public void Dispose() => _stopping.Dispose();
}
