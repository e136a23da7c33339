using Venus.ChainSync.Interop.Tests.Harness;

namespace Venus.ChainSync.Interop.Tests.JsToJs;

/// <summary>Several JS peers started together (each on a port the OS picks on 127.0.0.1) and disposed together.</summary>
internal sealed class JsPeerGroup : IAsyncDisposable
{
    private readonly JsPeerProcess[] _peers;

    private JsPeerGroup(JsPeerProcess[] peers)
    {
        _peers = peers;
    }

    public JsPeerProcess this[int index] => _peers[index];

    /// <summary>Starts one peer per entry of <paramref name="options"/>, concurrently; a failed start disposes the others.</summary>
    public static async Task<JsPeerGroup> StartAsync(params JsPeerOptions[] options)
    {
        Task<JsPeerProcess>[] starts = [.. options.Select(o => JsPeerProcess.StartAsync(o))];
        try
        {
            return new JsPeerGroup(await Task.WhenAll(starts));
        }
        catch
        {
            foreach (Task<JsPeerProcess> start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await (await start).DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (JsPeerProcess peer in _peers)
        {
            await peer.DisposeAsync();
        }
    }
}
