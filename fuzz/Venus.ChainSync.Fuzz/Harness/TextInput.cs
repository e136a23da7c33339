using System.Text;

namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>How the text targets turn fuzz bytes into a string.</summary>
internal static class TextInput
{
    /// <summary>
    /// UTF-8, with invalid sequences replaced by U+FFFD: every input gives a string, multi-byte sequences reach any
    /// character (a parser must refuse non-ASCII, not index a table with it), and ASCII inputs stay as typed.
    /// </summary>
    public static string From(ReadOnlyMemory<byte> input) => Encoding.UTF8.GetString(input.Span);
}
