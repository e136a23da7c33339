using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// The bounded priority queue of sync targets (Venus's <c>TargetTracker</c>): it decides which announced heads are
/// worth syncing, ranks them, and remembers a few finished ones.
/// </summary>
/// <remarks>
/// <para>
/// It is plain synchronous code over data: no threads, no I/O, no events. Every member takes one lock, so callers on
/// different threads see each call happen at once; it hands out only immutable <see cref="Target"/> snapshots and
/// <see cref="TargetTrackerSnapshot"/>s, never its live collections. A target's state changes only through
/// <see cref="MarkSyncing"/>, <see cref="StartNext"/>, <see cref="UpdateProgress"/>, <see cref="Requeue"/>,
/// <see cref="Complete"/> and <see cref="Fail"/>.
/// </para>
/// <para>
/// The admission policy is described on <see cref="Add"/>. The tracker does not signal anyone when it admits a target;
/// the caller sees <see cref="Admission.Accepted"/> and wakes its worker itself.
/// </para>
/// </remarks>
public sealed partial class TargetTracker
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly int _historyCapacity;

    // Kept in rank order: weight descending, block count descending, then admission order (id ascending).
    private readonly List<Target> _buckets = [];

    // Newest first, at most _historyCapacity.
    private readonly List<Target> _history = [];

    private long _lastId;

    /// <summary>Creates an empty tracker.</summary>
    /// <param name="time">Clock for the start and end times of syncs.</param>
    /// <param name="options">Bounds; read once, so later changes do not reach this tracker.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TargetTracker(TimeProvider time, TargetTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        OptionsCheck.ThrowIfInvalid(options.Validate(), nameof(options));
        _time = time;
        _capacity = options.Capacity;
        _historyCapacity = options.HistoryCapacity;
    }

    /// <summary>Number of targets kept, waiting or syncing (never more than <see cref="TargetTrackerOptions.Capacity"/>).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>The content now: kept targets in rank order and the history, newest first.</summary>
    public TargetTrackerSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new TargetTrackerSnapshot([.. _buckets], [.. _history]);
        }
    }

    /// <summary>The latest snapshot of target <paramref name="id"/>, kept or in the history; <see langword="null"/> when
    /// it is neither (never admitted, dropped, or fallen out of the history).</summary>
    public Target? Find(long id)
    {
        lock (_gate)
        {
            int index = IndexOf(_buckets, id);
            if (index >= 0)
            {
                return _buckets[index];
            }

            index = IndexOf(_history, id);
            return index >= 0 ? _history[index] : null;
        }
    }

    /// <summary>
    /// The best waiting target — heaviest, then with most blocks, then admitted first — or <see langword="null"/> when
    /// none waits. Syncing targets are skipped. Nothing changes; see <see cref="StartNext"/> to select and start in one step.
    /// </summary>
    internal Target? SelectNext()
    {
        lock (_gate)
        {
            int index = BestWaiting();
            return index >= 0 ? _buckets[index] : null;
        }
    }

    /// <summary>
    /// Selects the best waiting target as <see cref="SelectNext"/> does and marks it syncing, in one step, so that no
    /// <see cref="Add"/> can drop it in between. Returns <see langword="null"/> when none waits.
    /// </summary>
    /// <param name="syncBase">The tipset the sync starts from (the current head), or <see langword="null"/> if unknown.</param>
    internal Target? StartNext(TipSet? syncBase = null)
    {
        lock (_gate)
        {
            int index = BestWaiting();
            return index >= 0 ? Replace(index, _buckets[index].ToSyncing(syncBase, _time.GetUtcNow())) : null;
        }
    }

    /// <summary>Marks a waiting target syncing, recording its base and start time.</summary>
    /// <param name="id">The target.</param>
    /// <param name="syncBase">The tipset the sync starts from (the current head), or <see langword="null"/> if unknown.</param>
    /// <returns>The target as it is now.</returns>
    /// <exception cref="ArgumentException">No target <paramref name="id"/> is kept (never admitted, or dropped).</exception>
    /// <exception cref="InvalidOperationException">The target is not waiting.</exception>
    internal Target MarkSyncing(long id, TipSet? syncBase = null)
    {
        lock (_gate)
        {
            int index = Locate(id, TargetState.Wait);
            return Replace(index, _buckets[index].ToSyncing(syncBase, _time.GetUtcNow()));
        }
    }

    /// <summary>Records how far a syncing target has come.</summary>
    /// <param name="id">The target.</param>
    /// <param name="current">The latest tipset reached.</param>
    /// <returns>The target as it is now.</returns>
    /// <exception cref="ArgumentException">No target <paramref name="id"/> is kept.</exception>
    /// <exception cref="InvalidOperationException">The target is not syncing.</exception>
    internal Target UpdateProgress(long id, TipSet current)
    {
        ArgumentNullException.ThrowIfNull(current);
        lock (_gate)
        {
            int index = Locate(id, TargetState.Syncing);
            return Replace(index, _buckets[index].WithProgress(current));
        }
    }

    /// <summary>
    /// Puts a syncing target back to waiting, forgetting its base, progress and start time; used when a sync is
    /// cancelled because concurrency was lowered. It keeps its rank and is not recorded in the history.
    /// </summary>
    /// <param name="id">The target.</param>
    /// <returns>The target as it is now.</returns>
    /// <exception cref="ArgumentException">No target <paramref name="id"/> is kept.</exception>
    /// <exception cref="InvalidOperationException">The target is not syncing.</exception>
    internal Target Requeue(long id)
    {
        lock (_gate)
        {
            int index = Locate(id, TargetState.Syncing);
            return Replace(index, _buckets[index].ToWait());
        }
    }

    /// <summary>Finishes a syncing target: it leaves the queue for the history, with its end time.</summary>
    /// <param name="id">The target.</param>
    /// <returns>The finished target.</returns>
    /// <exception cref="ArgumentException">No target <paramref name="id"/> is kept.</exception>
    /// <exception cref="InvalidOperationException">The target is not syncing.</exception>
    internal Target Complete(long id)
    {
        lock (_gate)
        {
            int index = Locate(id, TargetState.Syncing);
            return Retire(index, _buckets[index].ToComplete(_time.GetUtcNow()));
        }
    }

    /// <summary>Fails a syncing target: it leaves the queue for the history, with its end time and error.</summary>
    /// <param name="id">The target.</param>
    /// <param name="error">Why the sync failed.</param>
    /// <returns>The failed target.</returns>
    /// <exception cref="ArgumentException">No target <paramref name="id"/> is kept, or <paramref name="error"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The target is not syncing.</exception>
    internal Target Fail(long id, string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        lock (_gate)
        {
            int index = Locate(id, TargetState.Syncing);
            return Retire(index, _buckets[index].ToError(error, _time.GetUtcNow()));
        }
    }

    private static int IndexOf(List<Target> targets, long id)
    {
        for (int i = 0; i < targets.Count; i++)
        {
            if (targets[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private int BestWaiting()
    {
        for (int i = 0; i < _buckets.Count; i++)
        {
            if (_buckets[i].State == TargetState.Wait)
            {
                return i;
            }
        }

        return -1;
    }

    private int Locate(long id, TargetState expected)
    {
        int index = IndexOf(_buckets, id);
        if (index >= 0)
        {
            TargetState state = _buckets[index].State;
            return state == expected
                ? index
                : throw new InvalidOperationException($"Target #{id} is {state}, not {expected}.");
        }

        int finished = IndexOf(_history, id);
        return finished >= 0
            ? throw new InvalidOperationException($"Target #{id} is already {_history[finished].State}.")
            : throw new ArgumentException($"No target #{id} is kept: it was never admitted, or it was dropped.", nameof(id));
    }

    private Target Replace(int index, Target target)
    {
        // A state change never changes weight or block count, so the rank order holds.
        _buckets[index] = target;
        return target;
    }

    private Target Retire(int index, Target finished)
    {
        _buckets.RemoveAt(index);
        if (_historyCapacity > 0)
        {
            if (_history.Count == _historyCapacity)
            {
                _history.RemoveAt(_history.Count - 1);
            }

            _history.Insert(0, finished);
        }

        return finished;
    }
}
