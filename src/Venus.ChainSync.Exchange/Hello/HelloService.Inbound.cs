using System.Diagnostics;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hello;

/// <summary>Inbound: a peer's greeting, our latency answer, and the fetch and report of the greeted head.</summary>
public sealed partial class HelloService
{
    private async Task HandleGreetingAsync(INetworkStream stream, CancellationToken hostStopping)
    {
        if (!TryEnter(out CancellationToken stopping))
        {
            stream.Abort();
            return;
        }

        try
        {
            using Activity? activity = ChainSyncDiagnostics.ActivitySource.StartActivity(GreetingActivityName, ActivityKind.Server);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, stopping);
            string? result;
            try
            {
                result = await ReceiveGreetingAsync(stream, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Everything the peer can cause is handled inside; what is left is the chain source or the host.
                _logger.LocalFault(stream.RemotePeer, ex);
                stream.Abort(ex);
                result = GreetingResults.InternalError;
            }

            if (result is not null)
            {
                activity?.SetTag("hello.result", result);
                _metrics.GreetingReceived(result);
            }
        }
        catch (OperationCanceledException) when (hostStopping.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            stream.Abort();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Reads, checks and answers one greeting; returns the result to count now, or null when a fetch will count it.</summary>
    private async Task<string?> ReceiveGreetingAsync(INetworkStream stream, CancellationToken cancellationToken)
    {
        PeerId peer = stream.RemotePeer;
        byte[] bytes;
        try
        {
            bytes = await BoundedReader.ReadMessageAsync(stream.Input, _greetingLimits, _time, IsWholeItem, cancellationToken).ConfigureAwait(false);
        }
        catch (BoundedReadException ex)
        {
            _logger.GreetingUnreadable(peer, ex.Failure, ex);
            stream.Abort(ex);
            return ex.Failure == ReadFailure.TooLarge ? GreetingResults.Malformed : GreetingResults.Unreadable;
        }

        long arrival = UnixNanoseconds(_time.GetUtcNow());
        HelloMessage hello;
        try
        {
            hello = HelloMessage.Decode(bytes);
        }
        catch (FormatException ex)
        {
            _logger.GreetingMalformed(peer, ex);
            stream.Abort(ex);
            return GreetingResults.Malformed;
        }

        _logger.GreetingReceived(peer, hello.HeaviestTipSet, hello.HeaviestTipSetHeight);
        Cid ours = _chain.Genesis;
        if (hello.GenesisHash != ours)
        {
            _logger.WrongGenesis(peer, hello.GenesisHash, ours);
            stream.Abort();
            try
            {
                await _host.DisconnectAsync(peer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                _logger.DisconnectFailed(peer, ex);
            }

            return GreetingResults.WrongGenesis;
        }

        try
        {
            using var writeTimeout = new CancellationTokenSource(_options.WriteTimeout, _time);
            using var write = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, writeTimeout.Token);
            var latency = new LatencyMessage(arrival, UnixNanoseconds(_time.GetUtcNow()));
            await stream.Output.WriteAsync(latency.Encode(), write.Token).ConfigureAwait(false);
            await stream.CompleteWritingAsync(write.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The greeting itself was good; like Lotus, go on to its head even when the answer cannot be written.
            _logger.LatencyNotSent(peer, ex);
        }

        _exchange.AddPeer(peer);
        return ScheduleFetch(peer, hello);
    }

    private string? ScheduleFetch(PeerId peer, HelloMessage hello)
    {
        TipSetKey key = hello.HeaviestTipSet;
        if (key.IsEmpty)
        {
            _logger.HeadIgnored(peer, key, hello.HeaviestTipSetHeight);
            return GreetingResults.Ignored;
        }

        bool admitted;
        int running;
        CancellationToken stopping = default;
        lock (_gate)
        {
            if (_state != LifeState.Running)
            {
                return null;
            }

            // One fetch per peer (a second greeting is dropped, not queued or swapped in) and a cap over all peers.
            running = _fetching.Count;
            admitted = running < _options.MaxConcurrentFetches && _fetching.Add(peer);
            if (admitted)
            {
                _active++;
                stopping = _stopping!.Token;
            }
        }

        if (!admitted)
        {
            _logger.FetchBusy(peer, running);
            return GreetingResults.Busy;
        }

        // Not fire-and-forget: counted in _active (StopAsync waits for it) and in _fetching (one per peer).
        _ = Task.Run(() => FetchAndReportAsync(peer, key, stopping), CancellationToken.None);
        return null;
    }

    private async Task FetchAndReportAsync(PeerId peer, TipSetKey key, CancellationToken stopping)
    {
        string? result = null;
        try
        {
            result = await LoadAndReportAsync(peer, key, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: not counted.
        }
#pragma warning disable CA1031 // Anything left is a fault of the chain source; it must not end the service.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LocalFault(peer, ex);
            result = GreetingResults.InternalError;
        }
        finally
        {
            lock (_gate)
            {
                _fetching.Remove(peer);
            }

            if (result is not null)
            {
                _metrics.GreetingReceived(result);
            }

            Exit();
        }
    }

    private async Task<string> LoadAndReportAsync(PeerId peer, TipSetKey key, CancellationToken stopping)
    {
        FullTipSet? head = await _chain.TryLoadFullTipSetAsync(key, stopping).ConfigureAwait(false);
        if (head is not null)
        {
            _logger.HeadLoaded(peer, key);
        }
        else
        {
            try
            {
                head = await _exchange.GetFullTipSetAsync([peer], key, stopping).ConfigureAwait(false);
            }
            catch (ExchangeFailedException ex)
            {
                _logger.FetchFailed(peer, key, ex);
                return GreetingResults.FetchFailed;
            }

            if (head.Key != key)
            {
                // The client checks what it fetches; a different tipset would be its bug, so refuse it here too.
                _logger.FetchedWrongTipSet(peer, key, head.Key);
                return GreetingResults.FetchFailed;
            }

            _logger.HeadFetched(peer, key);
        }

        if (head.Height == 0)
        {
            _logger.HeadIgnored(peer, key, head.Height);
            return GreetingResults.Ignored;
        }

        await _heads.Writer.WriteAsync(new GreetedHead(head, peer), stopping).ConfigureAwait(false);
        _logger.HeadReported(peer, key, head.Height);
        return GreetingResults.Accepted;
    }
}
