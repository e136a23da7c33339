using System.Collections.Immutable;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

public sealed partial class TargetTracker
{
    /// <summary>
    /// Offers an announced head as a sync target and says what became of it.
    /// </summary>
    /// <remarks>
    /// <para>The policy is Venus's <c>TargetTracker.Add</c>, step by step; "known targets" are the kept ones (waiting
    /// or syncing) and the completed ones in the history.</para>
    /// <list type="number">
    /// <item>A head whose parent weight is below that of the lightest kept target is refused
    /// (<see cref="AdmissionOutcome.RefusedLighter"/>); equal weight is let through.</item>
    /// <item>A head holding two blocks of one miner is refused (<see cref="AdmissionOutcome.RefusedDoubleMining"/>).</item>
    /// <item>A head whose every block is already in a known target's head is dropped
    /// (<see cref="AdmissionOutcome.RefusedCovered"/>).</item>
    /// <item>The head is widened with the blocks of every known neighbour (same height, parent weight and parents) that
    /// it lacks. If the widened head would hold two blocks of one miner the head is refused, not admitted unwidened
    /// (<see cref="AdmissionOutcome.RefusedDoubleMining"/>); if the blocks do not form a tipset it is refused too
    /// (<see cref="AdmissionOutcome.RefusedInvalidTipSet"/>).</item>
    /// <item>Waiting targets whose blocks the new head holds (Venus's idle children, which include the neighbours just
    /// merged) are dropped in its favour (<see cref="AdmissionOutcome.Merged"/>). Syncing targets are never dropped.</item>
    /// <item>If the tracker is still full, the lowest-ranked waiting target is dropped for it when the new one ranks
    /// above it (<see cref="AdmissionOutcome.Replaced"/>); otherwise the head is refused
    /// (<see cref="AdmissionOutcome.RefusedFull"/>).</item>
    /// </list>
    /// <para>Deliberate differences from Venus: Venus's minimum weight is sticky (it is only raised, on each add),
    /// here it is the lightest target kept now, so an empty tracker takes any head. Venus replaces the lightest idle
    /// target whenever one exists, even with free slots and even by a lighter head; here that happens only when full
    /// and only for a better-ranked head. Venus drops one idle child, here every one. Venus only warns about a miner
    /// with two blocks in the announced head and only checks the blocks it merges in; here both refuse. Venus also
    /// treats failed targets in its history as known; here they are not, so a head whose sync failed for a passing
    /// reason (a timeout) can be announced again.</para>
    /// </remarks>
    /// <param name="info">The announced head, with the peers it came from.</param>
    /// <returns>The outcome, the admitted target (as widened) and the waiting targets dropped for it.</returns>
    internal Admission Add(ChainInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        TipSet head = info.Head;
        lock (_gate)
        {
            if (_buckets.Count > 0 && head.ParentWeight < _buckets[^1].Weight)
            {
                return Admission.Refused(AdmissionOutcome.RefusedLighter);
            }

            if (DoubleMining.FindSecondBlock(head.Blocks) is not null)
            {
                return Admission.Refused(AdmissionOutcome.RefusedDoubleMining);
            }

            if (AnyKnown(known => known.Covers(head)))
            {
                return Admission.Refused(AdmissionOutcome.RefusedCovered);
            }

            List<BlockHeader> blocks = [.. head.Blocks];
            ForEachKnown(known =>
            {
                if (known.IsNeighbourOf(head))
                {
                    foreach (BlockHeader block in known.Head.Blocks)
                    {
                        if (!blocks.Exists(b => b.Cid == block.Cid))
                        {
                            blocks.Add(block);
                        }
                    }
                }
            });

            bool widened = blocks.Count > head.Blocks.Length;
            if (widened)
            {
                if (DoubleMining.FindSecondBlock(blocks) is not null)
                {
                    return Admission.Refused(AdmissionOutcome.RefusedDoubleMining);
                }

                try
                {
                    head = TipSet.Create(blocks);
                }
                catch (ArgumentException)
                {
                    return Admission.Refused(AdmissionOutcome.RefusedInvalidTipSet);
                }
            }

            Target target = Target.Create(_lastId + 1, info).WithHead(head);
            ImmutableArray<Target>.Builder dropped = ImmutableArray.CreateBuilder<Target>();
            for (int i = _buckets.Count - 1; i >= 0; i--)
            {
                Target kept = _buckets[i];
                if (kept.State == TargetState.Wait && target.Covers(kept.Head))
                {
                    dropped.Add(kept);
                    _buckets.RemoveAt(i);
                }
            }

            AdmissionOutcome outcome = widened || dropped.Count > 0 ? AdmissionOutcome.Merged : AdmissionOutcome.Added;
            if (_buckets.Count >= _capacity)
            {
                // Only reached when no child was dropped, so nothing has changed yet.
                int lowest = _buckets.FindLastIndex(t => t.State == TargetState.Wait);
                if (lowest < 0 || !target.OutRanks(_buckets[lowest]))
                {
                    return Admission.Refused(AdmissionOutcome.RefusedFull);
                }

                dropped.Add(_buckets[lowest]);
                _buckets.RemoveAt(lowest);
                outcome = AdmissionOutcome.Replaced;
            }

            _lastId = target.Id;
            int at = _buckets.FindIndex(target.OutRanks);
            _buckets.Insert(at < 0 ? _buckets.Count : at, target);
            return new Admission(outcome, target, dropped.ToImmutable());
        }
    }

    private bool AnyKnown(Func<Target, bool> predicate)
    {
        foreach (Target known in _buckets)
        {
            if (predicate(known))
            {
                return true;
            }
        }

        foreach (Target known in _history)
        {
            if (known.State == TargetState.Complete && predicate(known))
            {
                return true;
            }
        }

        return false;
    }

    private void ForEachKnown(Action<Target> action) => AnyKnown(known =>
    {
        action(known);
        return false;
    });
}
