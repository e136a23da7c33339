namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// Takes the result of an asynchronous library call that must already have completed: over in-memory streams and
/// loaders every await of the library completes at once, on this thread, which is what lets
/// <see cref="AllocationMeter"/> count its allocations. Only the harness does this; the library never blocks on a task.
/// </summary>
internal static class Synchronously
{
    public static T Complete<T>(ValueTask<T> task)
    {
        if (!task.IsCompleted)
        {
            throw NotSynchronous();
        }

        return task.GetAwaiter().GetResult();
    }

    public static void Complete(ValueTask task)
    {
        if (!task.IsCompleted)
        {
            throw NotSynchronous();
        }

        task.GetAwaiter().GetResult();
    }

    private static FuzzFailure NotSynchronous() =>
        new("an asynchronous call did not complete synchronously over in-memory data; its allocations could not be counted");
}
