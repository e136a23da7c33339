using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Testing;

/// <summary>
/// The in-memory pubsub as a mesh: gossip travels along connections only and is passed on by hosts whose validator
/// accepted it. Absence is shown without waiting: a later message that must arrive arrives first.
/// </summary>
public sealed class PubSubTopologyTests : IAsyncLifetime
{
    private const string Topic = "/fil/blocks/topology";

    private static readonly byte[] Bad = [0, 1];
    private static readonly byte[] First = [1, 1];
    private static readonly byte[] Second = [1, 2];

    private readonly InMemoryNetwork _network = new();
    private readonly CancellationTokenSource _end = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _end.CancelAsync();
        await _network.DisposeAsync();
        _end.Dispose();
    }

    [Fact]
    public async Task Along_a_line_a_message_is_relayed_hop_by_hop_and_keeps_its_source()
    {
        InMemoryHost[] line = Hosts(4);
        Subscriber[] subscribers = [.. line.Select(h => Subscribe(h))];
        ConnectLine(line);

        await line[0].PublishAsync(Topic, First, Guard());

        PubSubMessage last = await subscribers[3].NextAsync();
        Assert.Equal(First, last.Data.ToArray());
        Assert.Equal(line[0].LocalPeer, last.Source);
        Assert.Equal(line[2].LocalPeer, last.ReceivedFrom);
        Assert.Equal(line[0].LocalPeer, (await subscribers[1].NextAsync()).ReceivedFrom);
    }

    [Fact]
    public async Task A_rejected_message_stops_at_the_rejecting_host_and_counts_against_the_sender()
    {
        InMemoryHost[] line = Hosts(3);
        Subscribe(line[0]);
        Subscribe(line[1], RejectBad);
        Subscriber end = Subscribe(line[2]);
        ConnectLine(line);

        await line[0].PublishAsync(Topic, Bad, Guard());
        await line[0].PublishAsync(Topic, First, Guard());

        Assert.Equal(First, (await end.NextAsync()).Data.ToArray());
        Assert.Equal(1, line[1].GossipRejections[line[0].LocalPeer]);
        Assert.Empty(line[2].GossipRejections);
    }

    [Fact]
    public async Task An_ignored_message_stops_at_the_ignoring_host_without_blame()
    {
        InMemoryHost[] line = Hosts(3);
        Subscribe(line[0]);
        Subscribe(line[1], static (m, _) => ValueTask.FromResult(m.Data.Span[0] == 0 ? MessageVerdict.Ignore : MessageVerdict.Accept));
        Subscriber end = Subscribe(line[2]);
        ConnectLine(line);

        await line[0].PublishAsync(Topic, Bad, Guard());
        await line[0].PublishAsync(Topic, First, Guard());

        Assert.Equal(First, (await end.NextAsync()).Data.ToArray());
        Assert.Empty(line[1].GossipRejections);
    }

    [Fact]
    public async Task A_validator_that_answers_later_still_decides_the_relay()
    {
        var verdict = new TaskCompletionSource<MessageVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        InMemoryHost[] line = Hosts(3);
        Subscribe(line[0]);
        Subscribe(line[1], (_, _) => new ValueTask<MessageVerdict>(verdict.Task));
        Subscriber end = Subscribe(line[2]);
        ConnectLine(line);

        await line[0].PublishAsync(Topic, First, Guard());
        Task<PubSubMessage> arrival = end.NextAsync();
        Assert.False(arrival.IsCompleted);
        verdict.SetResult(MessageVerdict.Accept);

        Assert.Equal(First, (await arrival).Data.ToArray());
    }

    [Fact]
    public async Task A_host_that_does_not_subscribe_passes_nothing_on()
    {
        InMemoryHost[] line = Hosts(3);
        Subscribe(line[0]);
        Subscriber end = Subscribe(line[2]);
        ConnectLine(line);

        await line[0].PublishAsync(Topic, First, Guard());
        _network.Connect(line[0], line[2]);
        await line[0].PublishAsync(Topic, Second, Guard());

        Assert.Equal(Second, (await end.NextAsync()).Data.ToArray());
    }

    [Fact]
    public async Task In_a_star_the_hub_reaches_every_leaf_and_an_unconnected_host_hears_nothing()
    {
        InMemoryHost[] hosts = Hosts(5);
        InMemoryHost hub = hosts[0];
        InMemoryHost loner = hosts[4];
        Subscribe(hub);
        Subscriber[] leaves = [.. hosts[1..4].Select(h => Subscribe(h))];
        Subscriber lonely = Subscribe(loner);
        foreach (InMemoryHost leaf in hosts[1..4])
        {
            _network.Connect(hub, leaf);
        }

        await hosts[1].PublishAsync(Topic, First, Guard());
        _network.Connect(hub, loner);
        await hub.PublishAsync(Topic, Second, Guard());

        Assert.Equal(hub.LocalPeer, (await leaves[1].NextAsync()).ReceivedFrom);
        Assert.Equal(hosts[1].LocalPeer, (await leaves[2].NextAsync()).Source);
        Assert.Equal(Second, (await lonely.NextAsync()).Data.ToArray());
    }

    [Fact]
    public async Task A_partition_cuts_gossip_until_healed()
    {
        InMemoryHost[] hosts = Hosts(2);
        Subscribe(hosts[0]);
        Subscriber other = Subscribe(hosts[1]);
        _network.Connect(hosts[0], hosts[1]);

        _network.Partition([hosts[0]], [hosts[1]]);
        await hosts[0].PublishAsync(Topic, First, Guard());
        _network.Heal();
        await hosts[0].PublishAsync(Topic, Second, Guard());

        Assert.Equal(Second, (await other.NextAsync()).Data.ToArray());
    }

    [Fact]
    public async Task In_a_triangle_each_host_delivers_a_message_once()
    {
        InMemoryHost[] hosts = Hosts(3);
        Subscribe(hosts[0]);
        Subscriber b = Subscribe(hosts[1]);
        Subscriber c = Subscribe(hosts[2]);
        _network.Connect(hosts[0], hosts[1]);
        _network.Connect(hosts[1], hosts[2]);
        _network.Connect(hosts[2], hosts[0]);

        await hosts[0].PublishAsync(Topic, First, Guard());
        await hosts[0].PublishAsync(Topic, Second, Guard());

        Assert.Equal(First, (await b.NextAsync()).Data.ToArray());
        Assert.Equal(Second, (await b.NextAsync()).Data.ToArray());
        Assert.Equal(First, (await c.NextAsync()).Data.ToArray());
        Assert.Equal(Second, (await c.NextAsync()).Data.ToArray());
    }

    private static ValueTask<MessageVerdict> RejectBad(PubSubMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(message.Data.Span[0] == 0 ? MessageVerdict.Reject : MessageVerdict.Accept);

    private static CancellationToken Guard() => TestGuard.Token();

    private InMemoryHost[] Hosts(int count) => [.. Enumerable.Range(0, count).Select(i => _network.CreateHost($"h{i}"))];

    private void ConnectLine(InMemoryHost[] line)
    {
        for (int i = 1; i < line.Length; i++)
        {
            _network.Connect(line[i - 1], line[i]);
        }
    }

    private Subscriber Subscribe(InMemoryHost host, MessageValidator? validator = null) => new(host.SubscribeAsync(Topic, validator, _end.Token).GetAsyncEnumerator(_end.Token));

    /// <summary>A subscription already joined (its first move started, which registers it with the host).</summary>
    private sealed class Subscriber
    {
        private readonly IAsyncEnumerator<PubSubMessage> _messages;
        private Task<bool> _next;

        public Subscriber(IAsyncEnumerator<PubSubMessage> messages)
        {
            _messages = messages;
            _next = messages.MoveNextAsync().AsTask();
        }

        public async Task<PubSubMessage> NextAsync()
        {
            Assert.True(await _next.WaitAsync(Guard()), "the subscription ended");
            PubSubMessage message = _messages.Current;
            _next = _messages.MoveNextAsync().AsTask();
            return message;
        }
    }
}
