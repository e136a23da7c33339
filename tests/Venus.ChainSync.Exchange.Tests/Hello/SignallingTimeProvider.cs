using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Venus.ChainSync.Exchange.Tests.Hello;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that says when a timer with a given due time has been created, so a test can
/// advance the clock only once the deadline it means to pass exists (advancing earlier would move it too).
/// </summary>
internal sealed class SignallingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TimeSpan, TaskCompletionSource> _created = new();

    /// <summary>Completes once a timer due after <paramref name="dueTime"/> has been created (now or earlier).</summary>
    public Task TimerCreated(TimeSpan dueTime) => Signal(dueTime).Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        Signal(dueTime).TrySetResult();
        return timer;
    }

    private TaskCompletionSource Signal(TimeSpan dueTime) =>
        _created.GetOrAdd(dueTime, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
