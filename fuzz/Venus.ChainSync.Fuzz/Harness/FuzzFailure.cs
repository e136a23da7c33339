namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// A property of the library that an input broke without the library throwing anything wrong: an allocation over
/// the target's budget, a round trip that did not give back the input, a <c>Try</c> method and its throwing twin
/// that disagree. Thrown out of the target body, so afl-fuzz records the input as a crash.
/// </summary>
internal sealed class FuzzFailure : Exception
{
    public FuzzFailure(string message)
        : base(message)
    {
    }

    public FuzzFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FuzzFailure()
        : this("fuzz property failed")
    {
    }
}
