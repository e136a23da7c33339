namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// How many bytes the library calls of one target may allocate for one input:
/// <c><see cref="PerInputByte"/> × input length + <see cref="Constant"/></c>.
/// </summary>
/// <remarks>
/// Decoders must cost what they read, not what the input claims: a length or count taken from the bytes and used
/// to size an allocation before the bytes back it up shows as an input whose allocation is far above any multiple
/// of its length. The numbers of each target are in <c>fuzz/README.md</c>, with how they were measured.
/// </remarks>
internal readonly record struct AllocationBudget(int PerInputByte, int Constant)
{
    public long LimitFor(int inputLength) => ((long)PerInputByte * inputLength) + Constant;

    public override string ToString() => $"{PerInputByte} × input + {Constant} B";
}
