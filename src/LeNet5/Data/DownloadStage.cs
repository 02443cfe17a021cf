namespace LeNet5.Data;

/// <summary>What a <see cref="DownloadProgress"/> report is about.</summary>
public enum DownloadStage
{
    /// <summary>A request to a mirror is starting.</summary>
    Started,

    /// <summary>Bytes have arrived.</summary>
    Receiving,

    /// <summary>The download is complete and its SHA-256 is being checked.</summary>
    Verifying,

    /// <summary>This mirror failed (see <see cref="DownloadProgress.Message"/>); the next one will be tried.</summary>
    Failed,

    /// <summary>The file is verified and in place.</summary>
    Completed,
}
