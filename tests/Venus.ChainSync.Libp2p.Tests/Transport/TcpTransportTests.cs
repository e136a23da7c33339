using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Transport;

namespace Venus.ChainSync.Libp2p.Tests.Transport;

public sealed class TcpTransportTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(10);

    private static readonly Lazy<bool> HasIpv6Loopback = new(() =>
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });

    [Fact]
    public Task Listen_dial_and_echo_over_ipv4_loopback() => EchoAsync("/ip4/127.0.0.1/tcp/0");

    [SkippableFact]
    public async Task Listen_dial_and_echo_over_ipv6_loopback()
    {
        Skip.IfNot(HasIpv6Loopback.Value, "this machine has no IPv6 loopback");
        await EchoAsync("/ip6/::1/tcp/0");
    }

    [Fact]
    public async Task Listen_on_port_zero_reports_the_bound_port()
    {
        var transport = new TcpTransport(TimeProvider.System);
        await using TcpTransportListener listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), CancellationToken.None);

        Assert.True(TcpAddress.TryGetTarget(listener.ListenAddress, out TcpDialTarget target));
        Assert.Equal(IPAddress.Loopback, target.Address);
        Assert.NotEqual(0, target.Port);
    }

    [SkippableFact]
    public async Task Ipv4_and_ipv6_wildcards_bind_the_same_port_side_by_side()
    {
        Skip.IfNot(HasIpv6Loopback.Value, "this machine has no IPv6 loopback");
        var transport = new TcpTransport(TimeProvider.System);
        await using TcpTransportListener v4 = await transport.ListenAsync(Multiaddr.Parse("/ip4/0.0.0.0/tcp/0"), CancellationToken.None);
        Assert.True(TcpAddress.TryGetTarget(v4.ListenAddress, out TcpDialTarget bound));

        await using TcpTransportListener v6 = await transport.ListenAsync(Multiaddr.Parse($"/ip6/::/tcp/{bound.Port}"), CancellationToken.None);

        Assert.Equal($"/ip6/::/tcp/{bound.Port}", v6.ListenAddress.ToString());
    }

    [Fact]
    public async Task Dialling_a_closed_port_fails_as_refused()
    {
        var transport = new TcpTransport(TimeProvider.System);
        Multiaddr closed;
        await using (TcpTransportListener listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), CancellationToken.None))
        {
            closed = listener.ListenAddress;
        }

        TcpDialException refused = await Assert.ThrowsAsync<TcpDialException>(
            async () => await transport.DialAsync(closed, DialTimeout, CancellationToken.None).AsTask().WaitAsync(Guard));

        Assert.Equal(TcpDialFailure.Refused, refused.Failure);
        Assert.IsAssignableFrom<IOException>(refused);
    }

    [Fact]
    public async Task A_resolver_that_never_answers_times_out_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider();
        var resolving = new TaskCompletionSource();
        var transport = new TcpTransport(clock, (_, _, _) =>
        {
            resolving.TrySetResult();
            return new TaskCompletionSource<IPAddress[]>().Task; // never completes, ignores its token
        });

        Task<TcpConnection> dial = transport.DialAsync(Multiaddr.Parse("/dns4/never.example/tcp/4001"), TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();
        await resolving.Task.WaitAsync(Guard);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(dial.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        TcpDialException timedOut = await Assert.ThrowsAsync<TcpDialException>(() => dial.WaitAsync(Guard));
        Assert.Equal(TcpDialFailure.TimedOut, timedOut.Failure);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_reported_as_a_timeout()
    {
        var transport = new TcpTransport(new FakeTimeProvider(), (_, _, _) => new TaskCompletionSource<IPAddress[]>().Task);
        using var cancel = new CancellationTokenSource();

        Task<TcpConnection> dial = transport.DialAsync(Multiaddr.Parse("/dns/never.example/tcp/4001"), DialTimeout, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dial.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_dns4_name_dials_the_ipv4_address_it_resolves_to()
    {
        var transport = new TcpTransport(TimeProvider.System, (host, family, _) =>
        {
            Assert.Equal("node.example", host);
            Assert.Equal(AddressFamily.InterNetwork, family);
            return Task.FromResult(new[] { IPAddress.IPv6Loopback, IPAddress.Loopback });
        });
        await using TcpTransportListener listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), CancellationToken.None);
        Assert.True(TcpAddress.TryGetTarget(listener.ListenAddress, out TcpDialTarget bound));

        ValueTask<TcpConnection> accept = listener.AcceptAsync(CancellationToken.None);
        await using TcpConnection dialled = await transport.DialAsync(Multiaddr.Parse($"/dns4/node.example/tcp/{bound.Port}"), DialTimeout, CancellationToken.None).AsTask().WaitAsync(Guard);
        await using TcpConnection accepted = await accept.AsTask().WaitAsync(Guard);

        Assert.Equal(listener.ListenAddress, dialled.RemoteAddress);
    }

    [Fact]
    public async Task A_name_that_resolves_to_no_address_of_its_family_is_unresolved()
    {
        var transport = new TcpTransport(TimeProvider.System, (_, _, _) => Task.FromResult(new[] { IPAddress.Loopback }));

        TcpDialException unresolved = await Assert.ThrowsAsync<TcpDialException>(
            async () => await transport.DialAsync(Multiaddr.Parse("/dns6/node.example/tcp/4001"), DialTimeout, CancellationToken.None).AsTask().WaitAsync(Guard));

        Assert.Equal(TcpDialFailure.Unresolved, unresolved.Failure);
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1")]
    [InlineData("/dns/node.example")]
    [InlineData("/tcp/4001")]
    [InlineData("/ip4/127.0.0.1/tcp/0")]
    [InlineData("/ip4/127.0.0.1/tcp/4001/ip4/127.0.0.1")]
    public async Task Dialling_an_address_tcp_cannot_reach_is_refused_as_unsupported(string text)
    {
        var transport = new TcpTransport(TimeProvider.System, (_, _, _) => throw new InvalidOperationException("must not resolve"));

        TcpDialException unsupported = await Assert.ThrowsAsync<TcpDialException>(
            async () => await transport.DialAsync(Multiaddr.Parse(text), DialTimeout, CancellationToken.None).AsTask().WaitAsync(Guard));

        Assert.Equal(TcpDialFailure.Unsupported, unsupported.Failure);
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1")]
    [InlineData("/dns4/localhost/tcp/0")]
    public async Task Listening_needs_an_ip_and_a_tcp_port(string text)
    {
        var transport = new TcpTransport(TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(async () => await transport.ListenAsync(Multiaddr.Parse(text), CancellationToken.None));
    }

    [Fact]
    public async Task Abort_fails_a_pending_read()
    {
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync("/ip4/127.0.0.1/tcp/0");
        await using (listener)
        await using (dialled)
        await using (accepted)
        {
            ValueTask<ReadResult> pending = accepted.Input.ReadAsync();
            Assert.False(pending.IsCompleted);

            accepted.Abort();

            await Assert.ThrowsAnyAsync<IOException>(async () => await pending.AsTask().WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task Abort_resets_the_remote()
    {
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync("/ip4/127.0.0.1/tcp/0");
        await using (listener)
        await using (dialled)
        await using (accepted)
        {
            accepted.Abort();

            await Assert.ThrowsAsync<IOException>(async () => await dialled.Input.ReadAsync().AsTask().WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task Graceful_dispose_sends_what_was_written_then_end_of_stream()
    {
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync("/ip4/127.0.0.1/tcp/0");
        await using (listener)
        await using (accepted)
        {
            dialled.Output.GetSpan(3)[..3].Fill(7);
            dialled.Output.Advance(3); // written, not flushed: dispose must still send it
            await dialled.DisposeAsync().AsTask().WaitAsync(Guard);

            byte[] received = await ReadToEndAsync(accepted.Input, 16);

            Assert.Equal(new byte[] { 7, 7, 7 }, received);
        }
    }

    [Fact]
    public async Task Dispose_gives_up_on_a_remote_that_stopped_reading_after_the_close_timeout()
    {
        var clock = new FakeTimeProvider();
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync("/ip4/127.0.0.1/tcp/0", clock);
        await using (listener)
        await using (accepted)
        {
            // Far more than loopback's socket buffers hold, written but not flushed; the remote never reads.
            for (int i = 0; i < 1024; i++)
            {
                dialled.Output.GetSpan(64 * 1024);
                dialled.Output.Advance(64 * 1024);
            }

            Task dispose = dialled.DisposeAsync().AsTask();
            Assert.False(dispose.IsCompleted);
            clock.Advance(TcpConnection.CloseTimeout);

            await dispose.WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task Dispose_after_abort_does_not_throw()
    {
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync("/ip4/127.0.0.1/tcp/0");
        await using (listener)
        await using (accepted)
        {
            dialled.Abort();
            await dialled.DisposeAsync().AsTask().WaitAsync(Guard);
            await dialled.DisposeAsync().AsTask().WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task A_pending_accept_ends_with_object_disposed_when_the_listener_is_disposed()
    {
        var transport = new TcpTransport(TimeProvider.System);
        TcpTransportListener listener = await transport.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), CancellationToken.None);
        ValueTask<TcpConnection> accept = listener.AcceptAsync(CancellationToken.None);

        await listener.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await accept.AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task Both_ends_report_their_direction_and_addresses()
    {
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync("/ip4/127.0.0.1/tcp/0");
        await using (listener)
        await using (dialled)
        await using (accepted)
        {
            Assert.True(dialled.IsOutbound);
            Assert.False(accepted.IsOutbound);
            Assert.Equal(listener.ListenAddress, dialled.RemoteAddress);
            Assert.Equal(listener.ListenAddress, accepted.LocalAddress);
            Assert.Equal(dialled.LocalAddress, accepted.RemoteAddress);
            Assert.Equal(IPAddress.Loopback, accepted.RemoteEndPoint.Address);
        }
    }

    private static async Task EchoAsync(string listenOn)
    {
        (TcpTransportListener listener, TcpConnection dialled, TcpConnection accepted) = await ConnectedPairAsync(listenOn);
        await using (listener)
        await using (dialled)
        await using (accepted)
        {
            byte[] payload = new byte[200_000]; // several socket buffers' worth, so partial reads happen
            new Random(42).NextBytes(payload);

            Task echo = Task.Run(async () =>
            {
                long echoed = 0;
                while (echoed < payload.Length)
                {
                    ReadResult read = await accepted.Input.ReadAsync();
                    foreach (ReadOnlyMemory<byte> segment in read.Buffer)
                    {
                        await accepted.Output.WriteAsync(segment);
                    }

                    echoed += read.Buffer.Length;
                    accepted.Input.AdvanceTo(read.Buffer.End);
                }
            });
            Task send = dialled.Output.WriteAsync(payload).AsTask();
            byte[] back = await ReadExactlyAsync(dialled.Input, payload.Length).WaitAsync(Guard);
            await Task.WhenAll(echo, send).WaitAsync(Guard);

            Assert.Equal(payload, back);
        }
    }

    private static async Task<(TcpTransportListener Listener, TcpConnection Dialled, TcpConnection Accepted)> ConnectedPairAsync(string listenOn, TimeProvider? time = null)
    {
        var transport = new TcpTransport(time ?? TimeProvider.System);
        TcpTransportListener listener = await transport.ListenAsync(Multiaddr.Parse(listenOn), CancellationToken.None);
        ValueTask<TcpConnection> accept = listener.AcceptAsync(CancellationToken.None);
        TcpConnection dialled = await transport.DialAsync(listener.ListenAddress, DialTimeout, CancellationToken.None).AsTask().WaitAsync(Guard);
        TcpConnection accepted = await accept.AsTask().WaitAsync(Guard);
        return (listener, dialled, accepted);
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync();
            if (read.Buffer.Length >= count)
            {
                byte[] bytes = read.Buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(read.Buffer.GetPosition(count));
                return bytes;
            }

            Assert.False(read.IsCompleted, "the stream ended early");
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader reader, int limit)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync().AsTask().WaitAsync(Guard);
            Assert.True(read.Buffer.Length <= limit, "more than was sent");
            if (read.IsCompleted)
            {
                byte[] bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
