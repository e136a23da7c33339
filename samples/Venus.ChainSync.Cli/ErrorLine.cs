namespace Venus.ChainSync.Cli;

/// <summary>Usage and I/O errors go to stderr as exactly one <c>error: …</c> line, so scripts can grep and show it.</summary>
internal static class ErrorLine
{
    /// <summary>Writes <c>error: </c> and <paramref name="message"/> with its line breaks (and their indentation) folded to spaces.</summary>
    public static Task WriteAsync(TextWriter stderr, string message)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(message);
        string[] lines = message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return stderr.WriteLineAsync("error: " + string.Join(' ', lines));
    }
}
