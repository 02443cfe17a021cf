namespace LeNet5.Data;

/// <summary>A progress report from <see cref="DatasetDownloader"/>.</summary>
/// <param name="FileName">The file being downloaded, for example <c>train-images-idx3-ubyte.gz</c>.</param>
/// <param name="Source">The address it is downloaded from.</param>
/// <param name="Stage">What the report is about.</param>
/// <param name="BytesReceived">The bytes received so far from <paramref name="Source"/>.</param>
/// <param name="TotalBytes">The length the server announced, if it did.</param>
/// <param name="Message">Why the mirror failed, for <see cref="DownloadStage.Failed"/>.</param>
public sealed record DownloadProgress(string FileName, Uri Source, DownloadStage Stage, long BytesReceived, long? TotalBytes, string? Message = null);
