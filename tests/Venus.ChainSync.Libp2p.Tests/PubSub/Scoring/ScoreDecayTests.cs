using Venus.ChainSync.Libp2p.PubSub.Scoring;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

public sealed class ScoreDecayTests
{
    [Fact]
    public void An_hours_decay_at_one_second_takes_a_counter_of_one_to_the_zero_level_in_3600_steps()
    {
        double factor = ScoreDecay.Factor(TimeSpan.FromHours(1));

        double value = 1;
        for (int i = 0; i < 3600; i++)
        {
            value *= factor;
        }

        Assert.Equal(0.01, value, 1e-12);
        Assert.Equal(0.9987216, factor, 7); // 0.01^(1/3600) = e^(−4.60517 / 3600)
    }

    [Fact]
    public void Ten_minutes_at_one_second_is_the_600th_root_of_the_zero_level() =>
        Assert.Equal(Math.Pow(0.01, 1.0 / 600), ScoreDecay.Factor(TimeSpan.FromMinutes(10)), 1e-15);

    [Fact]
    public void Only_whole_intervals_count_as_in_go()
    {
        // 90 minutes at a 1 h interval is one interval: the whole way to the zero level in one step.
        Assert.Equal(0.01, ScoreDecay.Factor(TimeSpan.FromMinutes(90), TimeSpan.FromHours(1), 0.01), 1e-15);
        Assert.Equal(Math.Sqrt(0.1), ScoreDecay.Factor(TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1), 0.1), 1e-15);
    }

    [Fact]
    public void A_decay_time_shorter_than_the_interval_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreDecay.Factor(TimeSpan.FromMilliseconds(999)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreDecay.Factor(TimeSpan.FromSeconds(5), TimeSpan.Zero, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreDecay.Factor(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreDecay.Factor(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), double.NaN));
    }
}
