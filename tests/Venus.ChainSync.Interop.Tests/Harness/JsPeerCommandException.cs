namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>The JS peer answered a command with <c>ok: false</c>, or died or went silent before answering.</summary>
public sealed class JsPeerCommandException : Exception
{
    public JsPeerCommandException()
    {
    }

    public JsPeerCommandException(string message)
        : base(message)
    {
    }

    public JsPeerCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
