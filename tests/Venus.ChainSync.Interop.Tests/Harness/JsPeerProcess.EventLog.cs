using System.Text.Json;

namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>
/// Every event line the peer printed, kept in order and never consumed: pubsub events (messages, verdicts,
/// subscriptions, grafts) interleave, so a test asks for the first one that matches, whether it came before the
/// question or after, and can look back over all of them.
/// </summary>
public sealed partial class JsPeerProcess
{
    // A test peer prints a few hundred events at most; the log lives as long as the process object.
    private readonly List<JsonElement> _log = [];
    private TaskCompletionSource _logGrew = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _logClosed;

    /// <summary>
    /// The first event named <paramref name="name"/> for which <paramref name="match"/> holds, among those printed
    /// so far or still to come, within <see cref="CommandGuard"/>. Consumes nothing (unlike <see cref="WaitForEventAsync"/>).
    /// </summary>
    /// <exception cref="JsPeerCommandException">No such event within the guard, or the peer exited first.</exception>
    public async Task<JsonElement> FirstEventAsync(string name, Func<JsonElement, bool>? match = null, CancellationToken cancellationToken = default)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(CommandGuard);
        int next = 0;
        while (true)
        {
            Task grew;
            lock (_log)
            {
                for (; next < _log.Count; next++)
                {
                    if (IsEvent(_log[next], name) && (match is null || match(_log[next])))
                    {
                        return _log[next];
                    }
                }

                if (_logClosed)
                {
                    throw new JsPeerCommandException($"the JS peer exited before a matching '{name}' event\nstderr:\n{StandardError}");
                }

                grew = _logGrew.Task;
            }

            try
            {
                await grew.WaitAsync(guard.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new JsPeerCommandException($"no matching '{name}' event within {CommandGuard}\nstderr:\n{StandardError}", ex);
            }
        }
    }

    /// <summary>The events named <paramref name="name"/> printed so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<JsonElement> EventsSoFar(string name)
    {
        lock (_log)
        {
            return [.. _log.Where(e => IsEvent(e, name))];
        }
    }

    private static bool IsEvent(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    private void Record(JsonElement message)
    {
        TaskCompletionSource grew;
        lock (_log)
        {
            _log.Add(message);
            grew = _logGrew;
            _logGrew = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        grew.TrySetResult();
    }

    private void CloseEventLog()
    {
        TaskCompletionSource grew;
        lock (_log)
        {
            _logClosed = true;
            grew = _logGrew;
        }

        grew.TrySetResult();
    }
}
