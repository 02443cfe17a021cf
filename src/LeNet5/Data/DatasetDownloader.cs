using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace LeNet5.Data;

/// <summary>
/// Downloads data files from a list of mirrors through a caller-supplied <see cref="HttpClient"/>, trying each mirror in
/// turn, and places a file in the data folder only once the SHA-256 of its decompressed content is right.
/// </summary>
/// <remarks>
/// Each attempt writes to a hidden temporary name in the data folder (<c>.NAME.*.partial</c>) and renames it only after
/// the check passes; an attempt that fails (HTTP error, network error, stall, truncation, corrupt gzip, wrong hash) or is
/// cancelled deletes its temporary file, and leftovers of a killed process are deleted by the next download of that
/// file. The library does no other network I/O: the HttpClient and the mirrors come from the caller.
/// </remarks>
public sealed class DatasetDownloader
{
    private const int BufferSize = 1 << 16;

    private readonly HttpClient _http;

    /// <summary>Creates a downloader.</summary>
    /// <param name="httpClient">The client to send requests with (its lifetime is the caller's).</param>
    /// <param name="mirrors">Absolute base addresses, tried in order; a file's address is the base + its compressed name. A
    /// <c>file://</c> address is a local folder (a copy of a mirror), read directly and checked like a download.</param>
    /// <exception cref="ArgumentException">No mirror, or a mirror that is not an absolute http, https or file address.</exception>
    public DatasetDownloader(HttpClient httpClient, IEnumerable<Uri> mirrors)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(mirrors);
        _http = httpClient;
        var list = new List<Uri>();
        foreach (Uri mirror in mirrors)
        {
            if (!mirror.IsAbsoluteUri || (mirror.Scheme != Uri.UriSchemeHttp && mirror.Scheme != Uri.UriSchemeHttps && mirror.Scheme != Uri.UriSchemeFile))
            {
                throw new ArgumentException($"A mirror must be an absolute http, https or file address; '{mirror}' is not.", nameof(mirrors));
            }

            // Uri(base, relative) keeps the base's last segment only when it ends with a slash.
            list.Add(mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/"));
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("At least one mirror is needed.", nameof(mirrors));
        }

        Mirrors = list;
    }

    /// <summary>The mirrors, in the order they are tried, each ending with a slash.</summary>
    public IReadOnlyList<Uri> Mirrors { get; }

    /// <summary>How long a response may send nothing before the attempt is abandoned as stalled. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How the user names the data folder, as the caller shows it (a command line's option, such as "--data"), for the
    /// advice in a <see cref="DatasetUnavailableException"/>; null to mention only <see cref="DataDirectory.EnvironmentVariable"/>.
    /// </summary>
    public string? FolderOption { get; init; }

    /// <summary>
    /// Checks a local file against <paramref name="file"/>: decompresses it if it is gzipped (by its magic bytes) and
    /// compares the SHA-256 of the content; for gzip, the trailer's length must match too (no truncation, nothing after).
    /// </summary>
    /// <param name="path">The file to check.</param>
    /// <param name="file">The expected content.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>Null if the file is right, else what is wrong with it.</returns>
    public static async Task<string?> CheckAsync(string path, DatasetFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(file);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var head = new byte[2];
            int peeked = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            bool compressed = peeked == 2 && head[0] == 0x1F && head[1] == 0x8B;
            uint? trailer = null;
            if (compressed && stream.Length >= 4)
            {
                stream.Position = stream.Length - 4;
                var last = new byte[4];
                await stream.ReadExactlyAsync(last, cancellationToken).ConfigureAwait(false);
                trailer = BinaryPrimitives.ReadUInt32LittleEndian(last);
            }

            stream.Position = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            Stream content = compressed ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                int n;
                while ((n = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    length += n;
                }
            }
            catch (InvalidDataException ex)
            {
                return $"corrupt gzip data: {ex.Message}";
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                if (compressed)
                {
                    await content.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (compressed && trailer != (uint)length)
            {
                return $"truncated gzip (or bytes after it): decompressed {length} bytes, the gzip trailer says {trailer} (mod 2^32)";
            }

            string actual = Hex(hash.GetHashAndReset());
            return string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"SHA-256 mismatch: the decompressed content ({length} bytes) hashes to {actual}, expected {file.Sha256}";
        }
    }

    /// <summary>
    /// Makes sure every file of <paramref name="files"/> is in <paramref name="directory"/> (raw or gzipped), downloading
    /// the missing ones; files already there are not checked (see <see cref="CheckAsync"/>).
    /// </summary>
    /// <param name="files">The files needed.</param>
    /// <param name="directory">The data folder (created if needed).</param>
    /// <param name="progress">Receives progress reports, or null.</param>
    /// <param name="cancellationToken">Stops the download; the partial file is deleted.</param>
    /// <returns>A task that completes when every file is in place.</returns>
    /// <exception cref="DatasetUnavailableException">A file could not be had from any mirror.</exception>
    public async Task EnsureAsync(IReadOnlyList<DatasetFile> files, string directory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory);
        var missing = files.Where(f => f.Find(directory) is null).ToList();
        bool existed = Directory.Exists(directory);
        try
        {
            while (missing.Count > 0)
            {
                List<string> failures = await TryDownloadAsync(missing[0], directory, progress, cancellationToken).ConfigureAwait(false);
                if (failures.Count > 0)
                {
                    throw Unavailable(directory, missing, failures);
                }

                missing.RemoveAt(0);
            }
        }
        catch when (!existed && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            // A folder made for a download that brought nothing is not left behind either.
            Directory.Delete(directory);
            throw;
        }
    }

    /// <summary>Downloads one file into <paramref name="directory"/> as its compressed name, verified.</summary>
    /// <param name="file">The file.</param>
    /// <param name="directory">The data folder (created if needed).</param>
    /// <param name="progress">Receives progress reports, or null.</param>
    /// <param name="cancellationToken">Stops the download; the partial file is deleted.</param>
    /// <returns>The path of the verified file.</returns>
    /// <exception cref="DatasetUnavailableException">Every mirror failed.</exception>
    public async Task<string> DownloadAsync(DatasetFile file, string directory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory);
        List<string> failures = await TryDownloadAsync(file, directory, progress, cancellationToken).ConfigureAwait(false);
        return failures.Count == 0 ? Path.Combine(directory, file.CompressedName) : throw Unavailable(directory, [file], failures);
    }

    private DatasetUnavailableException Unavailable(string directory, IReadOnlyList<DatasetFile> missing, List<string> failures)
    {
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"Missing from {directory}: {string.Join(", ", missing.Select(f => f.CompressedName))} (each may also be there uncompressed, without .gz).");
        message.AppendLine();
        message.Append(CultureInfo.InvariantCulture, $"Downloading {missing[0].CompressedName} failed from every mirror:");
        foreach (string failure in failures)
        {
            message.AppendLine();
            message.Append("  ").Append(failure);
        }

        message.AppendLine();
        message.Append(CultureInfo.InvariantCulture, $"To supply them by hand, copy the files (raw or .gz) into {directory}, or point {(FolderOption is null ? "" : FolderOption + " or ")}{DataDirectory.EnvironmentVariable} at a folder that holds them.");
        return new DatasetUnavailableException(message.ToString(), directory, missing.Select(f => f.CompressedName).ToArray(), failures);
    }

    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void DeleteLeftovers(string directory, DatasetFile file)
    {
        foreach (string leftover in Directory.EnumerateFiles(directory, $".{file.CompressedName}.*.partial"))
        {
            File.Delete(leftover);
        }
    }

    /// <summary>Tries each mirror in turn; returns the failures, empty on success.</summary>
    private async Task<List<string>> TryDownloadAsync(DatasetFile file, string directory, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        DeleteLeftovers(directory, file);
        var failures = new List<string>();
        foreach (Uri mirror in Mirrors)
        {
            var source = new Uri(mirror, file.CompressedName);
            string? failure = await TryMirrorAsync(file, source, directory, progress, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return [];
            }

            failures.Add($"{source}: {failure}");
            progress?.Report(new DownloadProgress(file.CompressedName, source, DownloadStage.Failed, 0, null, failure));
        }

        return failures;
    }

    /// <summary>One attempt; returns why it failed, or null when the verified file is in place.</summary>
    private async Task<string?> TryMirrorAsync(DatasetFile file, Uri source, string directory, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string target = Path.Combine(directory, file.CompressedName);
        string temporary = Path.Combine(directory, $".{file.CompressedName}.{Guid.NewGuid():N}.partial");
        long received = 0;
        long? total = null;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            progress?.Report(new DownloadProgress(file.CompressedName, source, DownloadStage.Started, 0, null));
            stall.CancelAfter(StallTimeout);
            using HttpResponseMessage? response = source.IsFile
                ? null
                : await _http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
            Stream body;
            if (response is null)
            {
                // A local copy: the same checks as a download, without HTTP.
                if (!File.Exists(source.LocalPath))
                {
                    return "no such file";
                }

                body = new FileStream(source.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                total = body.Length;
            }
            else
            {
                if (!response.IsSuccessStatusCode)
                {
                    return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                }

                total = response.Content.Headers.ContentLength;
                body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
            }

            await using (body.ConfigureAwait(false))
            {
                var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
                await using (output.ConfigureAwait(false))
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                    try
                    {
                        while (true)
                        {
                            stall.CancelAfter(StallTimeout);
                            int n = await body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token).ConfigureAwait(false);
                            if (n == 0)
                            {
                                break;
                            }

                            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                            received += n;
                            progress?.Report(new DownloadProgress(file.CompressedName, source, DownloadStage.Receiving, received, total));
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }

            if (total is long announced && received != announced)
            {
                return $"truncated: received {received} of the {announced} bytes announced";
            }

            progress?.Report(new DownloadProgress(file.CompressedName, source, DownloadStage.Verifying, received, total));
            string? problem = await CheckAsync(temporary, file, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            File.Move(temporary, target, overwrite: true);
            progress?.Report(new DownloadProgress(file.CompressedName, source, DownloadStage.Completed, received, total));
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested)
        {
            return $"stalled: nothing received for {StallTimeout.TotalSeconds:0.#} s after {received} bytes";
        }
        catch (OperationCanceledException ex)
        {
            return $"timed out after {received} bytes ({ex.Message})";
        }
        catch (HttpRequestException ex)
        {
            return $"request failed: {ex.Message}";
        }
        catch (IOException ex)
        {
            return $"transfer failed after {received} of {total?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes: {ex.Message}";
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
