using Venus.ChainSync.Libp2p.PubSub;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The gossipsub parameters: Lotus's values, go's, a bootstrapper's, and what Validate refuses.</summary>
public sealed class GossipSubParametersTests
{
    // go-libp2p-pubsub gossipsub.go defaults, where Lotus changes them.
    private static readonly GossipSubParameters Go = GossipSubParameters.Lotus with
    {
        D = 6,
        Dlo = 5,
        Dscore = 4,
        Dout = 2,
        Dlazy = 6,
        HistoryLength = 5,
        GossipFactor = 0.25,
        DirectConnectInitialDelay = TimeSpan.FromSeconds(1),
        IWantFollowupTime = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public void The_defaults_are_lotuses_overlay_settings()
    {
        GossipSubParameters p = GossipSubParameters.Lotus;

        Assert.Equal((8, 6, 12, 6, 3, 12), (p.D, p.Dlo, p.Dhi, p.Dscore, p.Dout, p.Dlazy));
        Assert.Equal((10, 3, 0.1, 3), (p.HistoryLength, p.GossipLength, p.GossipFactor, p.GossipRetransmission));
        Assert.Equal(TimeSpan.FromSeconds(30), p.DirectConnectInitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), p.IWantFollowupTime);
        Assert.Equal(TimeSpan.FromSeconds(120), p.SeenTtl);
        Assert.Equal(1 << 20, p.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(1), p.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), p.PruneBackoff);
    }

    [Fact]
    public void Lotuses_gos_and_a_bootstrappers_parameters_are_valid()
    {
        GossipSubParameters bootstrapper = GossipSubParameters.Lotus with
        {
            D = 0,
            Dlo = 0,
            Dhi = 0,
            Dscore = 0,
            Dout = 0,
            Dlazy = 64,
            GossipFactor = 0.25,
            PruneBackoff = TimeSpan.FromMinutes(5),
        };

        Assert.Empty(GossipSubParameters.Lotus.Validate());
        Assert.Empty(Go.Validate());
        Assert.Empty(bootstrapper.Validate());
    }

    private static readonly Dictionary<string, GossipSubParameters> BrokenCases = new()
    {
        ["GossipLength = 11"] = GossipSubParameters.Lotus with { GossipLength = 11 },
        ["D = 13"] = GossipSubParameters.Lotus with { D = 13 },
        ["Dlo = 9"] = GossipSubParameters.Lotus with { Dlo = 9 },
        ["Dscore = 13"] = GossipSubParameters.Lotus with { Dscore = 13 },
        ["Dout = 4"] = GossipSubParameters.Lotus with { Dout = 4 }, // D / 2 = 4: go wants Dout below it
        ["Dout = 6, D = 12, Dlo = 6"] = GossipSubParameters.Lotus with { Dout = 6, D = 12, Dlo = 6 }, // not below Dlo
        ["HistoryLength = 0, GossipLength = 0"] = GossipSubParameters.Lotus with { HistoryLength = 0, GossipLength = 0 },
        ["GossipFactor = 1.5"] = GossipSubParameters.Lotus with { GossipFactor = 1.5 },
        ["GossipRetransmission = 0"] = GossipSubParameters.Lotus with { GossipRetransmission = 0 },
        ["HeartbeatInterval = TimeSpan.Zero"] = GossipSubParameters.Lotus with { HeartbeatInterval = TimeSpan.Zero },
        ["DirectConnectTicks = 0"] = GossipSubParameters.Lotus with { DirectConnectTicks = 0 },
        ["OpportunisticGraftTicks = 0"] = GossipSubParameters.Lotus with { OpportunisticGraftTicks = 0 },
        ["MaxIHaveLength = 0"] = GossipSubParameters.Lotus with { MaxIHaveLength = 0 },
        ["SeenTtl = TimeSpan.Zero"] = GossipSubParameters.Lotus with { SeenTtl = TimeSpan.Zero },
        ["SeenCapacity = 0"] = GossipSubParameters.Lotus with { SeenCapacity = 0 },
        ["MaxMessageSize = 0"] = GossipSubParameters.Lotus with { MaxMessageSize = 0 },
        ["Dlazy = -1"] = GossipSubParameters.Lotus with { Dlazy = -1 },
    };

    public static TheoryData<string> Broken => [.. BrokenCases.Keys];

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_inconsistency_is_one_problem(string change)
    {
        Assert.Single(BrokenCases[change].Validate());
    }

    [Fact]
    public void Several_inconsistencies_are_all_listed()
    {
        GossipSubParameters parameters = GossipSubParameters.Lotus with { GossipLength = 11, MaxMessageSize = 0, DirectConnectTicks = 0 };

        Assert.Equal(3, parameters.Validate().Count);
    }

    [Fact]
    public void Filecoin_topics_are_named_as_lotus_names_them()
    {
        Assert.Equal("/fil/blocks/testnetnet", FilecoinTopics.Blocks("testnetnet"));
        Assert.Equal("/fil/msgs/calibrationnet", FilecoinTopics.Messages("calibrationnet"));
        Assert.Throws<ArgumentException>(() => FilecoinTopics.Blocks(""));
        Assert.Throws<ArgumentException>(() => FilecoinTopics.Messages("a/b"));
    }
}
