using System.Runtime.InteropServices;

namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// The branch map that instrumented code writes to. Under afl-fuzz, SharpFuzz points it at the fuzzer's shared
/// memory; everywhere else (<c>--replay</c> and <c>seeds</c> over the instrumented build) nothing does, and the
/// first instrumented branch would write through a null pointer. So those paths give it a private map first.
/// </summary>
internal static class TraceMap
{
    /// <summary>AFL's map size, which SharpFuzz's instrumentation indexes into.</summary>
    private const int MapSize = 1 << 16;

    public static unsafe void EnsureLocal()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            // Lives as long as the process; never freed on purpose.
            SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
        }
    }
}
