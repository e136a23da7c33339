using System.Globalization;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>How a run ended.</summary>
/// <param name="Converged">Whether every head equalled the producer's at <see cref="DemoSettings.EqualChecks"/> checks in a row.</param>
/// <param name="Failure">Why not, when it did not.</param>
/// <param name="Elapsed">From the nodes' start to the end.</param>
/// <param name="Produced">Tipsets the producer mined during the run.</param>
internal sealed record DemoOutcome(bool Converged, string? Failure, TimeSpan Elapsed, int Produced);

/// <summary>
/// The producer's loop: wait one block time, check whether every head equals the producer's, then mine the next
/// tipset, and again. It ends when the heads were equal at <see cref="DemoSettings.EqualChecks"/> checks in a row, or fails
/// when the timeout passes first or the producer refuses its own block.
/// </summary>
/// <remarks>
/// Checking just before mining gives each follower a whole block time to take the previous tipset from gossip; a
/// check right after mining would race the gossip and could never count three in a row at short block times.
/// </remarks>
internal static class DemoRun
{
    /// <summary>Runs the loop on a started cluster.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (not the timeout).</exception>
    public static async Task<DemoOutcome> RunAsync(DemoCluster cluster, DemoSettings settings, TimeProvider time, long startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        int equal = 0;
        int produced = 0;
        try
        {
            while (true)
            {
                // A delay after each mined tipset, not a periodic timer: a timer would fire at once after a slow
                // submit (it catches up on missed ticks), and the check would then race the gossip it just sent.
                await Task.Delay(settings.BlockTime, time, linked.Token).ConfigureAwait(false);
                equal = await AllHeadsEqualAsync(cluster, linked.Token).ConfigureAwait(false) ? equal + 1 : 0;
                if (equal >= DemoSettings.EqualChecks)
                {
                    return new DemoOutcome(true, null, time.GetElapsedTime(startedAt), produced);
                }

                if (await cluster.ProduceAsync(linked.Token).ConfigureAwait(false) is { } refused)
                {
                    return new DemoOutcome(false, refused, time.GetElapsedTime(startedAt), produced);
                }

                produced++;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The timeout, not the user: report who lagged below.
        }

        string lagging = await DescribeLaggingAsync(cluster, cancellationToken).ConfigureAwait(false);
        return new DemoOutcome(false, $"not converged within {Duration.Format(settings.Timeout)}: {lagging}", time.GetElapsedTime(startedAt), produced);
    }

    private static async Task<bool> AllHeadsEqualAsync(DemoCluster cluster, CancellationToken cancellationToken)
    {
        TipSetKey expected = (await cluster.Producer.HeadAsync(cancellationToken).ConfigureAwait(false)).Key;
        foreach (DemoNode node in cluster.Nodes)
        {
            if ((await node.HeadAsync(cancellationToken).ConfigureAwait(false)).Key != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<string> DescribeLaggingAsync(DemoCluster cluster, CancellationToken cancellationToken)
    {
        TipSet target = await cluster.Producer.HeadAsync(cancellationToken).ConfigureAwait(false);
        var behind = new List<string>();
        foreach (DemoNode node in cluster.Nodes.Skip(1))
        {
            TipSet head = await node.HeadAsync(cancellationToken).ConfigureAwait(false);
            if (head.Key != target.Key)
            {
                string stage = node.Api.SyncState() is [var newest, ..] ? $"stage {newest.Stage}" + (newest.Message is { } m ? $" ({m})" : "") : "no sync yet";
                behind.Add(string.Create(CultureInfo.InvariantCulture, $"{node.Name} at height {head.Height}, {stage}"));
            }
        }

        string producer = string.Create(CultureInfo.InvariantCulture, $"producer at height {target.Height}");
        return behind.Count == 0
            ? $"every head reached the producer's, but not at {DemoSettings.EqualChecks} checks in a row; {producer}"
            : $"{string.Join("; ", behind)}; {producer}";
    }
}
