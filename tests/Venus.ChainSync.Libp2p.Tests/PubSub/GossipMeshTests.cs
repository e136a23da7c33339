using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;
using Message = Venus.ChainSync.Libp2p.Protobuf.Message;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The mesh's decisions with Lotus's parameters (D 8, D_lo 6, D_hi 12, D_score 6, D_out 3, D_lazy 12).</summary>
public sealed class GossipMeshTests
{
    private const string Topic = "/fil/blocks/testnetnet";
    private static readonly GossipSubParameters Lotus = GossipSubParameters.Lotus;
    private static readonly MeshThresholds Thresholds = new(Gossip: -500, Publish: -1000, OpportunisticGraft: 3.5);

    private readonly FakeTimeProvider _time = new();
    private readonly Dictionary<PeerId, double> _scores = [];
    private readonly List<PeerId> _penalised = [];
    private readonly GossipMesh _mesh;

    public GossipMeshTests() =>
        _mesh = new GossipMesh(Lotus, Thresholds, p => _scores.GetValueOrDefault(p), _penalised.Add, _time, new Random(3));

    [Fact]
    public void Joining_grafts_D_peers_of_the_topic_but_none_backing_off_scoring_below_zero_or_only_flooding()
    {
        List<PeerId> peers = AddPeers(20);
        _scores[peers[0]] = -1;
        _mesh.HandlePrune(peers[1], Topic, TimeSpan.FromMinutes(5));
        PeerId flooder = AddPeer("flooder", PubSubProtocol.FloodSub);
        var plan = new ControlPlan();

        _mesh.Join(Topic, plan);

        IReadOnlyCollection<PeerId> mesh = _mesh.MeshOf(Topic);
        Assert.Equal(Lotus.D, mesh.Count);
        Assert.DoesNotContain(peers[0], mesh);
        Assert.DoesNotContain(peers[1], mesh);
        Assert.DoesNotContain(flooder, mesh);
        Assert.Equal(mesh.OrderBy(p => p.ToString()), plan.ByPeer.Where(e => e.Value.Grafts.Contains(Topic)).Select(e => e.Key).OrderBy(p => p.ToString()));
    }

    [Fact]
    public void Graft_for_a_topic_we_did_not_join_is_ignored_without_an_answer()
    {
        PeerId peer = AddPeers(1)[0];
        var plan = new ControlPlan();

        Assert.False(_mesh.HandleGraft(peer, Topic, plan));
        Assert.True(plan.IsEmpty);
        Assert.Empty(_mesh.MeshOf(Topic));
    }

    [Fact]
    public void Graft_during_the_backoff_is_pruned_and_penalised_twice_within_the_flood_threshold_once_after()
    {
        PeerId peer = AddPeers(1)[0];
        _mesh.Join(Topic, new ControlPlan());
        _mesh.HandlePrune(peer, Topic, backoff: null); // our backoff for it: PruneBackoff, 1 min
        Assert.DoesNotContain(peer, _mesh.MeshOf(Topic));

        var early = new ControlPlan();
        Assert.False(_mesh.HandleGraft(peer, Topic, early));
        Assert.Equal(2, _penalised.Count);
        Assert.Equal(Topic, Assert.Single(early.ByPeer[peer].Prunes).Topic);

        // The refusal set the backoff again; past the flood threshold of it, one penalty.
        _time.Advance(Lotus.GraftFloodThreshold + TimeSpan.FromSeconds(1));
        Assert.False(_mesh.HandleGraft(peer, Topic, new ControlPlan()));
        Assert.Equal(3, _penalised.Count);

        _time.Advance(Lotus.PruneBackoff);
        Assert.True(_mesh.HandleGraft(peer, Topic, new ControlPlan()));
        Assert.Contains(peer, _mesh.MeshOf(Topic));
    }

    [Fact]
    public void At_D_hi_an_inbound_peers_graft_is_refused_and_an_outbound_peers_accepted()
    {
        _mesh.Join(Topic, new ControlPlan());
        foreach (PeerId inbound in AddPeers(Lotus.Dhi))
        {
            Assert.True(_mesh.HandleGraft(inbound, Topic, new ControlPlan()));
        }

        PeerId lateInbound = AddPeer("late-in", PubSubProtocol.MeshSub11);
        PeerId lateOutbound = AddPeer("late-out", PubSubProtocol.MeshSub11, outbound: true);
        var plan = new ControlPlan();

        Assert.False(_mesh.HandleGraft(lateInbound, Topic, plan));
        Assert.True(_mesh.HandleGraft(lateOutbound, Topic, plan));
        Assert.Single(plan.ByPeer[lateInbound].Prunes);
        Assert.Equal(Lotus.Dhi + 1, _mesh.MeshOf(Topic).Count);
    }

    [Fact]
    public void Heartbeat_shrinks_a_mesh_over_D_hi_to_D_keeping_the_best_scores_and_D_out_outbound_peers()
    {
        _mesh.Join(Topic, new ControlPlan());
        List<PeerId> inbound = AddPeers(Lotus.Dhi);
        List<PeerId> outbound = [.. Enumerable.Range(0, 3).Select(i => AddPeer($"out-{i}", PubSubProtocol.MeshSub11, outbound: true))];
        for (int i = 0; i < inbound.Count; i++)
        {
            _scores[inbound[i]] = 100 - i; // inbound 0 is the best; the outbound peers score 0
        }

        foreach (PeerId peer in inbound.Concat(outbound))
        {
            Assert.True(_mesh.HandleGraft(peer, Topic, new ControlPlan())); // the outbound ones are admitted past D_hi
        }

        var plan = new ControlPlan();

        _mesh.Heartbeat(plan, NewCache());

        IReadOnlyCollection<PeerId> mesh = _mesh.MeshOf(Topic);
        Assert.Equal(Lotus.D, mesh.Count);
        Assert.All(outbound, o => Assert.Contains(o, mesh)); // D_out outbound peers, even over better scores
        Assert.All(inbound.GetRange(0, Lotus.D - Lotus.Dout), best => Assert.Contains(best, mesh));
        Assert.Equal(Lotus.Dhi + 3 - Lotus.D, plan.ByPeer.Count(e => e.Value.Prunes.Count > 0));
    }

    [Fact]
    public void Heartbeat_prunes_peers_scoring_below_zero_and_refills_a_mesh_below_D_lo_to_D()
    {
        List<PeerId> peers = AddPeers(10);
        _mesh.Join(Topic, new ControlPlan());
        PeerId[] inMesh = [.. _mesh.MeshOf(Topic)];
        foreach (PeerId peer in inMesh.Take(4))
        {
            _scores[peer] = -10;
        }

        var plan = new ControlPlan();
        _mesh.Heartbeat(plan, NewCache());

        IReadOnlyCollection<PeerId> mesh = _mesh.MeshOf(Topic);
        Assert.All(inMesh.Take(4), bad => Assert.DoesNotContain(bad, mesh));
        Assert.Equal(6, mesh.Count); // 4 left + the 2 peers never grafted; the pruned ones back off
        Assert.All(inMesh.Take(4), bad => Assert.Single(plan.ByPeer[bad].Prunes));
        Assert.Equal(2, plan.ByPeer.Count(e => e.Value.Grafts.Count > 0));
        Assert.Equal(10, peers.Count);
    }

    [Fact]
    public void Own_messages_are_flood_published_to_every_peer_of_the_topic_above_the_publish_threshold()
    {
        List<PeerId> peers = AddPeers(15);
        PeerId flooder = AddPeer("flooder", PubSubProtocol.FloodSub);
        _scores[peers[0]] = -2000;
        _mesh.Join(Topic, new ControlPlan());

        List<PeerId> targets = _mesh.Targets(Topic, ownMessage: true, floodPublish: true, exclude: new HashSet<PeerId>());

        Assert.Equal(15, targets.Count); // 14 mesh-speaking peers and the flooder
        Assert.DoesNotContain(peers[0], targets);
        Assert.Contains(flooder, targets);
    }

    [Fact]
    public void Forwarded_messages_go_to_the_mesh_and_flooding_peers_but_never_back_to_where_they_came_from()
    {
        AddPeers(15);
        PeerId flooder = AddPeer("flooder", PubSubProtocol.FloodSub);
        _mesh.Join(Topic, new ControlPlan());
        PeerId from = _mesh.MeshOf(Topic).First();

        List<PeerId> targets = _mesh.Targets(Topic, ownMessage: false, floodPublish: true, exclude: new HashSet<PeerId> { from });

        Assert.Equal(Lotus.D, targets.Count); // D − 1 mesh peers and the flooder
        Assert.DoesNotContain(from, targets);
        Assert.Contains(flooder, targets);
        Assert.All(targets.Where(p => p != flooder), p => Assert.Contains(p, _mesh.MeshOf(Topic)));
    }

    [Fact]
    public void Publishing_to_a_topic_we_did_not_join_makes_a_fanout_of_D_that_expires_after_the_fanout_ttl()
    {
        AddPeers(15);

        List<PeerId> targets = _mesh.Targets(Topic, ownMessage: true, floodPublish: false, exclude: new HashSet<PeerId>());

        Assert.Equal(Lotus.D, targets.Count);
        Assert.Equal(targets.Select(p => p.ToString()).Order(), _mesh.FanoutOf(Topic).Select(p => p.ToString()).Order());
        _time.Advance(Lotus.FanoutTtl + TimeSpan.FromSeconds(1));
        _mesh.Heartbeat(new ControlPlan(), NewCache());
        Assert.Empty(_mesh.FanoutOf(Topic));
    }

    [Fact]
    public void Heartbeat_advertises_recent_ids_to_D_lazy_peers_outside_the_mesh()
    {
        AddPeers(30);
        _mesh.Join(Topic, new ControlPlan());
        MessageCache cache = NewCache();
        var message = new Message { Topic = Topic, Data = ByteString.CopyFromUtf8("a block") };
        cache.Put(MessageIdentity.Of(message), message);
        var plan = new ControlPlan();

        _mesh.Heartbeat(plan, cache);

        List<PeerId> told = [.. plan.ByPeer.Where(e => e.Value.IHaves.Count > 0).Select(e => e.Key)];
        Assert.Equal(Lotus.Dlazy, told.Count);
        Assert.All(told, p => Assert.DoesNotContain(p, _mesh.MeshOf(Topic)));
        Assert.All(told, p => Assert.Equal([MessageIdentity.Of(message)], plan.ByPeer[p].IHaves[0].Ids));
    }

    [Fact]
    public void A_peer_that_leaves_the_topic_leaves_its_mesh()
    {
        AddPeers(10);
        _mesh.Join(Topic, new ControlPlan());
        PeerId member = _mesh.MeshOf(Topic).First();

        _mesh.Unsubscribed(member, Topic);

        Assert.DoesNotContain(member, _mesh.MeshOf(Topic));
    }

    private List<PeerId> AddPeers(int count) =>
        [.. Enumerable.Range(0, count).Select(i => AddPeer($"peer-{_scores.Count}-{i}-{Guid.NewGuid():N}", PubSubProtocol.MeshSub11))];

    private PeerId AddPeer(string name, PubSubProtocol protocol, bool outbound = false)
    {
        PeerId id = PeerId.ForName(name);
        _mesh.AddPeer(new MeshPeer(id, protocol, outbound));
        _mesh.Subscribed(id, Topic);
        return id;
    }

    private static MessageCache NewCache() => new(Lotus.HistoryLength, Lotus.GossipLength, Lotus.GossipRetransmission);
}
