using System.Net.Http.Headers;
using LeNet5.Data;

namespace LeNet5.Mnist.Data;

/// <summary>Makes sure the four MNIST files are in the data folder, downloading (and verifying) the missing ones.</summary>
internal static class MnistFiles
{
    /// <summary>
    /// Resolves the data folder (<c>--data</c>, else <c>LENET5_DATA</c>, else the per-user cache) and downloads
    /// the MNIST files missing from it.
    /// </summary>
    /// <param name="dataDir">The folder given with --data, or null.</param>
    /// <param name="progress">Receives download progress, or null.</param>
    /// <param name="cancellationToken">Stops the download; nothing partial is left behind.</param>
    /// <returns>The resolved data folder, holding the four files (raw or gzipped).</returns>
    /// <exception cref="DatasetUnavailableException">Files are missing and no mirror could supply them.</exception>
    public static async Task<string> EnsureAsync(string? dataDir, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string directory = DataDirectory.Resolve(dataDir);
        if (MnistFileSet.Missing(directory).Count == 0)
        {
            return directory;
        }

        using HttpClient http = CreateHttpClient();
        var downloader = new DatasetDownloader(http, MnistMirrors.Resolve()) { FolderOption = Cli.DataOptionName };
        await downloader.EnsureAsync(MnistFileSet.All, directory, progress, cancellationToken).ConfigureAwait(false);
        return directory;
    }

    /// <summary>One line for the user: which files are missing, where it looked (and why there), how to supply them.</summary>
    public static string Explain(DatasetUnavailableException exception, string? dataDir)
    {
        string directory = exception.Directory ?? DataDirectory.Resolve(dataDir);
        string missing = exception.MissingFiles.Count > 0 ? string.Join(", ", exception.MissingFiles) : "MNIST files";
        return $"cannot get MNIST: {missing} missing from {directory} ({DataDirectory.Origin(dataDir, explicitSource: Cli.DataOptionName)}) and every mirror failed (see above). "
            + $"Copy the four files (raw or .gz) into that folder, or point {Cli.DataOptionName} or {DataDirectory.EnvironmentVariable} at a folder that holds them.";
    }

    private static HttpClient CreateHttpClient()
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("lenet5", typeof(MnistFiles).Assembly.GetName().Version?.ToString(3) ?? "0"));
        return http;
    }
}
