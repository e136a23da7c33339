using Venus.ChainSync.Cli.Demo;

namespace Venus.ChainSync.Cli.Tests.Demo;

public sealed class DurationTests
{
    [Theory]
    [InlineData("200ms", 200)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 20MS ", 20)]
    [InlineData("00:00:01", 1000)]
    public void Parses_a_number_with_a_unit_or_a_timespan(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("fast")]
    [InlineData("-1s")]
    [InlineData("1x")]
    [InlineData("ms")]
    [InlineData("-00:00:01")]
    public void Refuses_what_is_not_a_non_negative_duration(string text)
    {
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(20, "20ms")]
    [InlineData(1500, "1.5s")]
    [InlineData(90_000, "90s")]
    [InlineData(120_000, "2m")]
    [InlineData(86_400_000, "24h")]
    public void Formats_in_the_largest_whole_unit(double milliseconds, string expected)
    {
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
