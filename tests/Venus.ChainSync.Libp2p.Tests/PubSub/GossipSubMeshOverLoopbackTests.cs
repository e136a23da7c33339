using System.Net;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Host;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;
using static Venus.ChainSync.Libp2p.Tests.PubSub.GossipSubFixture;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>Many routers on loopback at once.</summary>
public sealed class GossipSubMeshOverLoopbackTests : IAsyncLifetime
{
    private readonly GossipSubFixture _fixture = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task In_a_twenty_node_mesh_every_node_receives_every_valid_block_and_no_invalid_one()
    {
        const int Nodes = 20;
        var random = new Random(20);
        var nodes = new List<(Libp2pHost Host, GossipSub PubSub, Subscription Blocks)>();
        for (int i = 0; i < Nodes; i++)
        {
            // Twenty peers on one address: loopback is whitelisted, as an operator would list a shared address, or
            // the IP-colocation score (more than 5 per IP) would graylist them all.
            (Libp2pHost host, GossipSub router) = await _fixture.StartAsync(o => o.IPColocationWhitelist.Add(IPNetwork.Parse("127.0.0.0/8")));
            Subscription blocks = Subscribe(router, (m, _) => ValueTask.FromResult(m.Data.Span.StartsWith("bad"u8) ? MessageVerdict.Reject : MessageVerdict.Accept));
            nodes.Add((host, router, blocks));
        }

        // A ring (so the graph is connected) with three random chords per node.
        var links = new HashSet<(int, int)>();
        for (int i = 0; i < Nodes; i++)
        {
            links.Add((i, (i + 1) % Nodes));
            for (int c = 0; c < 3; c++)
            {
                int j = random.Next(Nodes);
                if (j != i && !links.Contains((j, i)))
                {
                    links.Add((i, j));
                }
            }
        }

        foreach ((int a, int b) in links)
        {
            await HostFixture.ConnectAndIdentifyAsync(nodes[a].Host, nodes[b].Host);
        }

        foreach ((int a, int b) in links)
        {
            await UntilInMeshAsync(nodes[a].PubSub, nodes[b].Host.LocalPeer, orHeartbeats: true);
        }

        for (int i = 0; i < Nodes; i++)
        {
            await nodes[i].PubSub.PublishAsync(Topic, Data($"bad block {i}"), TestGuard.Token());
            await nodes[i].PubSub.PublishAsync(Topic, Data($"block {i}"), TestGuard.Token());
        }

        for (int i = 0; i < Nodes; i++)
        {
            var seen = new HashSet<string>();
            while (seen.Count < Nodes - 1)
            {
                PubSubMessage message = await nodes[i].Blocks.NextAsync();
                string text = System.Text.Encoding.UTF8.GetString(message.Data.Span);
                Assert.DoesNotContain("bad", text, StringComparison.Ordinal); // rejected at the first hop, never forwarded
                Assert.True(seen.Add(text), $"node {i} got {text} twice");
            }

            Assert.DoesNotContain($"block {i}", seen); // its own block is not delivered back
        }
    }
}
