using Microsoft.Extensions.Logging;

namespace Venus.ChainSync.Storage.RocksDb.CrashChild;

/// <summary>
/// The child's logs on stderr, one line each (event id, category, message), Information and above: what the parent
/// shows when a run does not get where it should.
/// </summary>
internal sealed class StderrLogger<T> : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"{logLevel} {eventId.Id} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
        }
    }
}
