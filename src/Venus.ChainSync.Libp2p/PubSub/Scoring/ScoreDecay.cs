namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// Decay factors for score counters: the factor a counter is multiplied by at every decay interval so that it falls
/// to the "counts as zero" level after a chosen time. The semantics of go-libp2p-pubsub's
/// <c>ScoreParameterDecay</c> and <c>ScoreParameterDecayWithBase</c> (score_params.go), which Lotus uses for every
/// decay it sets.
/// </summary>
internal static class ScoreDecay
{
    /// <summary>How often counters decay by default: 1 s (go's <c>DefaultDecayInterval</c>; Lotus uses it).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>The level below which a decayed counter counts as 0 by default: 0.01 (go's <c>DefaultDecayToZero</c>;
    /// Lotus uses it).</summary>
    public const double DefaultToZero = 0.01;

    /// <summary>The factor that takes a counter of 1 down to <see cref="DefaultToZero"/> over
    /// <paramref name="decayTime"/> at the <see cref="DefaultInterval"/> (go's <c>ScoreParameterDecay</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decayTime"/> is shorter than one interval.</exception>
    public static double Factor(TimeSpan decayTime) => Factor(decayTime, DefaultInterval, DefaultToZero);

    /// <summary>
    /// The factor that takes a counter of 1 down to <paramref name="toZero"/> after <paramref name="decayTime"/> of
    /// decays every <paramref name="interval"/> (go's <c>ScoreParameterDecayWithBase</c>).
    /// </summary>
    /// <remarks>
    /// After n decays a counter has been multiplied by f^n; asking for f^n = toZero gives f = toZero^(1/n), computed
    /// here as exp(ln(toZero) / n). Like go, n counts whole intervals (go divides the two durations as integers), so
    /// 90 min at a 1 h interval is one interval. Go returns 0 when the time is shorter than an interval, which its
    /// validation then refuses; here that is a caller mistake and throws.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive,
    /// <paramref name="decayTime"/> is shorter than one interval, or <paramref name="toZero"/> is not in (0, 1).</exception>
    public static double Factor(TimeSpan decayTime, TimeSpan interval, double toZero)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(decayTime, interval);
        if (!(toZero is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(toZero), toZero, "The zero level must lie strictly between 0 and 1.");
        }

        long intervals = decayTime.Ticks / interval.Ticks;
        return Math.Exp(Math.Log(toZero) / intervals);
    }
}
