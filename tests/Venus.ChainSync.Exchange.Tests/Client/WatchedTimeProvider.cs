using Microsoft.Extensions.Time.Testing;

namespace Venus.ChainSync.Exchange.Tests.Client;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells a test when code under test arms a timer with a given due time,
/// so that the test advances the clock only once the code waits on that timer (no polling, no sleeps).
/// </summary>
internal sealed class WatchedTimeProvider : TimeProvider
{
    private readonly FakeTimeProvider _inner = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<TimeSpan, bool> Match, TaskCompletionSource<TimeSpan> Signal)> _waiters = [];

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public void Advance(TimeSpan delta) => _inner.Advance(delta);

    /// <summary>Completes when a timer is next created or re-armed with a due time that <paramref name="match"/> accepts.</summary>
    public Task<TimeSpan> WhenTimerArmed(Func<TimeSpan, bool> match)
    {
        var signal = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((match, signal));
        }

        return signal.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = _inner.CreateTimer(callback, state, dueTime, period);
        Armed(dueTime);
        return new WatchedTimer(timer, this);
    }

    private void Armed(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(dueTime))
                {
                    _waiters[i].Signal.TrySetResult(dueTime);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class WatchedTimer(ITimer inner, WatchedTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed = inner.Change(dueTime, period);
            owner.Armed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
