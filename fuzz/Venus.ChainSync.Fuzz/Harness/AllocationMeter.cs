using System.Runtime.ExceptionServices;

namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// Runs the library calls of one input and counts what they allocate on this thread, failing the input with
/// <see cref="FuzzFailure"/> once the total passes the target's <see cref="AllocationBudget"/>.
/// </summary>
/// <remarks>
/// Only the calls passed to <see cref="Call{T}"/> are counted, not the harness's own checks (re-encodings for the
/// round trips). <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees one thread only, so a call must finish on
/// this thread: asynchronous APIs are run over in-memory data with <see cref="Synchronously"/>. An allocation
/// thrown by the call is counted as well: a decoder that allocates a claimed size and then refuses the input is
/// still a finding.
/// </remarks>
internal sealed class AllocationMeter
{
    private readonly AllocationBudget _budget;
    private readonly int _inputLength;

    public AllocationMeter(AllocationBudget budget, int inputLength)
    {
        _budget = budget;
        _inputLength = inputLength;
    }

    /// <summary>Bytes counted so far for this input.</summary>
    public long Allocated { get; private set; }

    public long Limit => _budget.LimitFor(_inputLength);

    public void Call(Action call) => Call(() =>
    {
        call();
        return true;
    });

    public T Call<T>(Func<T> call)
    {
        (T? result, Exception? error, long allocated) = Attempt(call);
        if (Allocated + allocated > Limit)
        {
            // The first call of a code path in a process also pays for static initialisers and for filling the
            // array pools, which are not the input's doing. Only an excess that repeats counts.
            (result, error, allocated) = Attempt(call);
        }

        Allocated += allocated;
        if (Allocated > Limit && error is not FuzzFailure)
        {
            // The call's own exception, if any, goes along: it often names the claimed size that was allocated.
            string outcome = error is null ? "returned" : $"threw {error.GetType().Name}";
            string message = $"allocated {Allocated} bytes for a {_inputLength}-byte input, over the budget of {Limit} ({_budget}); the call {outcome}";
            throw error is null ? new FuzzFailure(message) : new FuzzFailure(message, error);
        }

        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return result!;
    }

    private static (T? Result, Exception? Error, long Allocated) Attempt<T>(Func<T> call)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            T result = call();
            return (result, null, GC.GetAllocatedBytesForCurrentThread() - before);
        }
#pragma warning disable CA1031 // Every exception is handed back to the caller, after its allocation is counted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (default, ex, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
