using Venus.ChainSync.Network;

namespace Venus.ChainSync.Hello;

/// <summary>Outbound: the connection loop and the greeting we send to each new peer.</summary>
public sealed partial class HelloService
{
    private async Task RunConnectionLoopAsync(IAsyncEnumerator<ConnectionEvent> events, ValueTask<bool> first, CancellationToken stopping)
    {
        try
        {
            for (bool more = await first.ConfigureAwait(false); more; more = await events.MoveNextAsync().ConfigureAwait(false))
            {
                ConnectionEvent change = events.Current;
                if (change.Change == ConnectionChange.Disconnected)
                {
                    // A peer added on its greeting leaves the exchange's candidates when it goes (Lotus does the same
                    // on disconnect), so requests are not aimed at peers that cannot answer.
                    _exchange.RemovePeer(change.Peer);
                }
                else if (change.Change == ConnectionChange.Identified
                    && change.Protocols.Contains(HelloMessage.ProtocolId)
                    && TryEnter(out CancellationToken token))
                {
                    // Not fire-and-forget: the greeting is counted in _active and StopAsync waits for it. Task.Run
                    // keeps a greeting's synchronous part off this loop.
                    _ = Task.Run(() => GreetAsync(change.Peer, token), CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // The loop's owner is StopAsync; a host fault is logged, never thrown into it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.ConnectionLoopFailed(ex);
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task GreetAsync(PeerId peer, CancellationToken stopping)
    {
        try
        {
            HelloMessage greeting;
            try
            {
                HelloChainHead head = await _chain.GetHeaviestAsync(stopping).ConfigureAwait(false);
                greeting = new HelloMessage(head.Key, head.Height, head.Weight, _chain.Genesis);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LocalFault(peer, ex);
                return;
            }

            INetworkStream stream;
            using (var openTimeout = new CancellationTokenSource(_options.StreamOpenTimeout, _time))
            using (var open = CancellationTokenSource.CreateLinkedTokenSource(stopping, openTimeout.Token))
            {
                stream = await _host.OpenStreamAsync(peer, HelloMessage.ProtocolId, open.Token).ConfigureAwait(false);
            }

            await using (stream.ConfigureAwait(false))
            {
                long started = _time.GetTimestamp();
                long t0 = UnixNanoseconds(_time.GetUtcNow());
                using (var writeTimeout = new CancellationTokenSource(_options.WriteTimeout, _time))
                using (var write = CancellationTokenSource.CreateLinkedTokenSource(stopping, writeTimeout.Token))
                {
                    await stream.Output.WriteAsync(greeting.Encode(), write.Token).ConfigureAwait(false);
                    await stream.CompleteWritingAsync(write.Token).ConfigureAwait(false);
                }

                _logger.GreetingSent(peer, greeting.HeaviestTipSet, greeting.HeaviestTipSetHeight);
                byte[] answer = await BoundedReader.ReadMessageAsync(stream.Input, _latencyLimits, _time, IsWholeItem, stopping).ConfigureAwait(false);
                LatencyMessage latency = LatencyMessage.Decode(answer);
                TimeSpan roundTrip = _time.GetElapsedTime(started);
                long t3 = UnixNanoseconds(_time.GetUtcNow());

                // Lotus's estimate of how far our clock is ahead of the peer's: ((t0 - t1) + (t3 - t2)) / 2. A peer
                // that sends zeros did not measure; the values are only logged, so wrapping on garbage is harmless.
                TimeSpan offset = latency.TArrival != 0 && latency.TSent != 0
                    ? TimeSpan.FromTicks(unchecked((t0 - latency.TArrival + (t3 - latency.TSent)) / 2 / TimeSpan.NanosecondsPerTick))
                    : TimeSpan.Zero;
                _logger.LatencyMeasured(peer, roundTrip, offset);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or FormatException or InvalidOperationException)
        {
            // The peer is unreachable, does not speak hello, is too slow or answered garbage: not our problem.
            _logger.GreetingNotSent(peer, ex);
        }
        finally
        {
            Exit();
        }
    }
}
