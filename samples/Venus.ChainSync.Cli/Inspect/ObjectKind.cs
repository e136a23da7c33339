namespace Venus.ChainSync.Cli.Inspect;

/// <summary>What the chain walk expects a CID to name, from where the link to it was found.</summary>
internal enum ObjectKind
{
    /// <summary>A block header: a root of the archive or a parent of a header.</summary>
    Header,

    /// <summary>A header's <c>Messages</c>: the <c>MsgMeta</c> pair of AMT roots.</summary>
    MsgMeta,

    /// <summary>The root block of an AMT v0 of message CIDs.</summary>
    Amt,

    /// <summary>A child node of an AMT v0 below its root.</summary>
    AmtNode,

    /// <summary>An unsigned message, named by the BLS list.</summary>
    Message,

    /// <summary>A signed message, named by the secp list.</summary>
    SignedMessage,
}

/// <summary>The names printed for kinds: stable, lower case, used in both JSON and table output.</summary>
internal static class ObjectKindNames
{
    /// <summary>The kind name of a failed object.</summary>
    public const string Error = "error";

    /// <summary>Every kind in the order the summary lists them.</summary>
    public static IReadOnlyList<ObjectKind> All { get; } =
        [ObjectKind.Header, ObjectKind.MsgMeta, ObjectKind.Amt, ObjectKind.AmtNode, ObjectKind.Message, ObjectKind.SignedMessage];

    /// <summary>The printed name of <paramref name="kind"/>.</summary>
    public static string Name(this ObjectKind kind) => kind switch
    {
        ObjectKind.Header => "header",
        ObjectKind.MsgMeta => "msgmeta",
        ObjectKind.Amt => "amt",
        ObjectKind.AmtNode => "amtnode",
        ObjectKind.Message => "message",
        ObjectKind.SignedMessage => "signedmessage",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
