using System.Net;
using System.Security.Cryptography;
using LeNet5.Data;

namespace LeNet5.Tests.Data;

/// <summary>
/// The verified download, against a server on 127.0.0.1 that this test starts: good, corrupt, truncated, stalled,
/// 403 and unreachable mirrors. Nothing here touches the internet.
/// </summary>
public sealed class DatasetDownloaderTests : IAsyncLifetime
{
    private readonly LocalHttpServer _server = new();
    private readonly TempDirectory _data = new();
    private readonly HttpClient _http = new(new HttpClientHandler { UseProxy = false });
    private readonly byte[] _raw;
    private readonly byte[] _gz;
    private readonly DatasetFile _file;

    public DatasetDownloaderTests()
    {
        var pixels = new byte[200 * 28 * 28];
        new Random(5).NextBytes(pixels);
        _raw = IdxBytes.Make(0x08, [200, 28, 28], pixels);
        _gz = IdxBytes.Gzip(_raw);
        _file = new DatasetFile("sample-images-idx3-ubyte", Convert.ToHexString(SHA256.HashData(_raw)).ToUpperInvariant());
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task AGoodMirror_GivesAVerifiedFileAndReportsProgress()
    {
        var progress = new Recorder();
        var downloader = new DatasetDownloader(_http, [_server.Serve("good", _gz)]);

        await downloader.EnsureAsync([_file], _data.Path, progress, Token);

        Assert.Equal([_file.CompressedName], Directory.GetFiles(_data.Path).Select(Path.GetFileName));
        Assert.Equal(_gz, File.ReadAllBytes(_data.File(_file.CompressedName)));
        Assert.Equal(DownloadStage.Started, progress.Reports[0].Stage);
        Assert.Contains(progress.Reports, r => r.Stage == DownloadStage.Receiving && r.BytesReceived == _gz.Length && r.TotalBytes == _gz.Length);
        Assert.Equal(DownloadStage.Verifying, progress.Reports[^2].Stage);
        Assert.Equal(DownloadStage.Completed, progress.Reports[^1].Stage);

        MnistDataset images = MnistDataset.Load(_data.File(_file.CompressedName), WriteLabels(200));
        Assert.Equal(200, images.Count);
    }

    [Fact]
    public async Task AFileMirror_IsALocalCopyCheckedLikeADownload()
    {
        using var copy = new TempDirectory();
        using var empty = new TempDirectory();
        File.WriteAllBytes(copy.File(_file.CompressedName), _gz);
        var downloader = new DatasetDownloader(_http, [new Uri(empty.Path + "/"), new Uri(copy.Path)]);

        await downloader.EnsureAsync([_file], _data.Path, null, Token);

        Assert.Equal(_gz, File.ReadAllBytes(_data.File(_file.CompressedName)));

        // A damaged local copy is refused as a damaged download is, naming it.
        using var other = new TempDirectory();
        byte[] damaged = (byte[])_gz.Clone();
        damaged[^10] ^= 0xFF;
        File.WriteAllBytes(other.File(_file.CompressedName), damaged);
        var error = await Assert.ThrowsAsync<DatasetUnavailableException>(
            () => new DatasetDownloader(_http, [new Uri(other.Path + "/")]).EnsureAsync([_file], empty.File("data"), null, Token));
        Assert.Contains(other.Path, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(empty.File("data")));
    }

    [Fact]
    public async Task BadMirrors_AreSkippedEachFailureSaidAndTheNextMirrorTried()
    {
        byte[] corrupt = (byte[])_gz.Clone();
        corrupt[corrupt.Length / 2] ^= 0xFF;
        byte[] otherContent = IdxBytes.Gzip(IdxBytes.Make(0x08, [200, 28, 28], new byte[200 * 784]));
        Uri[] mirrors =
        [
            _server.Status("forbidden", HttpStatusCode.Forbidden),
            LocalHttpServer.Unreachable(),
            _server.Serve("corrupt", corrupt),
            _server.Serve("other", otherContent),
            _server.Truncate("dropped", _gz),
            _server.Serve("short", _gz[..(_gz.Length / 2)]),
            _server.Serve("good", _gz),
        ];
        var progress = new Recorder();

        string path = await new DatasetDownloader(_http, mirrors).DownloadAsync(_file, _data.Path, progress, Token);

        Assert.Equal(_data.File(_file.CompressedName), path);
        Assert.Null(await DatasetDownloader.CheckAsync(path, _file, Token));
        string[] failures = progress.Reports.Where(r => r.Stage == DownloadStage.Failed).Select(r => $"{r.Source}: {r.Message}").ToArray();
        Assert.Equal(6, failures.Length);
        Assert.StartsWith($"{mirrors[0]}{_file.CompressedName}: HTTP 403 Forbidden", failures[0], StringComparison.Ordinal);
        Assert.Contains("request failed", failures[1], StringComparison.Ordinal);
        Assert.Matches("corrupt gzip data|SHA-256 mismatch", failures[2]);
        Assert.Contains($"SHA-256 mismatch: the decompressed content ({_raw.Length} bytes) hashes to", failures[3], StringComparison.Ordinal);
        Assert.Matches($"transfer failed after|truncated: received", failures[4]);
        Assert.Contains("truncated gzip", failures[5], StringComparison.Ordinal);
        Assert.Equal([_file.CompressedName], Directory.GetFiles(_data.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WhenEveryMirror_FailsNothingIsLeftAndTheErrorSaysWhatWhereAndHow()
    {
        byte[] corrupt = (byte[])_gz.Clone();
        corrupt[100] ^= 0x01;
        Uri[] mirrors =
        [
            _server.Status("forbidden", HttpStatusCode.Forbidden),
            _server.Serve("corrupt", corrupt),
            _server.Truncate("dropped", _gz),
            LocalHttpServer.Unreachable(),
        ];
        var second = new DatasetFile("second-labels-idx1-ubyte", new string('0', 64));

        DatasetUnavailableException ex = await Assert.ThrowsAsync<DatasetUnavailableException>(
            () => new DatasetDownloader(_http, mirrors) { FolderOption = "--data" }.EnsureAsync([_file, second], _data.Path, null, Token));

        Assert.Empty(Directory.GetFileSystemEntries(_data.Path));
        Assert.Equal([_file.CompressedName, second.CompressedName], ex.MissingFiles);
        Assert.Equal(4, ex.Failures.Count);
        Assert.Contains($"Missing from {_data.Path}: {_file.CompressedName}, {second.CompressedName}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{mirrors[0]}{_file.CompressedName}: HTTP 403 Forbidden", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{mirrors[1]}{_file.CompressedName}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{mirrors[2]}{_file.CompressedName}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{mirrors[3]}{_file.CompressedName}: request failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"copy the files (raw or .gz) into {_data.Path}, or point --data or LENET5_DATA", ex.Message, StringComparison.Ordinal);

        string fresh = _data.File("fresh");
        await Assert.ThrowsAsync<DatasetUnavailableException>(() => new DatasetDownloader(_http, mirrors).EnsureAsync([_file], fresh, null, Token));
        Assert.False(Directory.Exists(fresh));
    }

    [Fact]
    public async Task AStalledMirror_IsAbandoned()
    {
        var downloader = new DatasetDownloader(_http, [_server.Stall("stall", _gz), _server.Serve("good", _gz)]) { StallTimeout = TimeSpan.FromMilliseconds(500) };
        var progress = new Recorder();

        await downloader.EnsureAsync([_file], _data.Path, progress, Token);

        Assert.Contains(progress.Reports, r => r.Stage == DownloadStage.Failed && r.Message!.StartsWith("stalled: nothing received for 0.5 s after", StringComparison.Ordinal));
        Assert.Equal([_file.CompressedName], Directory.GetFiles(_data.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AnInterruptedDownload_LeavesNothingBehind()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var progress = new Recorder(r =>
        {
            if (r.Stage == DownloadStage.Receiving)
            {
                cancel.Cancel();
            }
        });
        var downloader = new DatasetDownloader(_http, [_server.Stall("stall", _gz)]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => downloader.EnsureAsync([_file], _data.Path, progress, cancel.Token));

        Assert.Empty(Directory.GetFileSystemEntries(_data.Path));
    }

    [Fact]
    public async Task FilesAlreadyPresent_AreNotDownloadedAndLeftoversAreCleaned()
    {
        File.WriteAllBytes(_data.File(_file.Name), _raw);
        var downloader = new DatasetDownloader(_http, [_server.Serve("good", _gz)]);
        await downloader.EnsureAsync([_file], _data.Path, null, Token);
        Assert.Equal(0, _server.Requests);

        File.Delete(_data.File(_file.Name));
        File.WriteAllBytes(_data.File($".{_file.CompressedName}.0123456789abcdef.partial"), [1, 2, 3]);
        await downloader.EnsureAsync([_file], _data.Path, null, Token);
        Assert.Equal(1, _server.Requests);
        Assert.Equal([_file.CompressedName], Directory.GetFiles(_data.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task TheRealMnistTestLabels_PassThePublishedHash()
    {
        byte[] labels = File.ReadAllBytes(TestPaths.FullTestLabelsFile);
        Uri mirror = _server.Serve("mnist", labels);
        string withoutSlash = mirror.AbsoluteUri.TrimEnd('/');

        string path = await new DatasetDownloader(_http, [new Uri(withoutSlash)]).DownloadAsync(MnistFileSet.TestLabels, _data.Path, null, Token);

        Assert.Equal(labels, File.ReadAllBytes(path));
        DatasetUnavailableException ex = await Assert.ThrowsAsync<DatasetUnavailableException>(
            () => new DatasetDownloader(_http, [mirror]).DownloadAsync(MnistFileSet.TestImages with { Name = "t10k-labels-idx1-ubyte" }, _data.File("other"), null, Token));
        Assert.Contains("SHA-256 mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_data.File("other")));
    }

    [Fact]
    public void Mirrors_MustBeAbsoluteHttpAddresses()
    {
        Assert.Throws<ArgumentException>(() => new DatasetDownloader(_http, []));
        Assert.Throws<ArgumentException>(() => new DatasetDownloader(_http, [new Uri("ftp://example.invalid/")]));
        Assert.Throws<ArgumentException>(() => new DatasetDownloader(_http, [new Uri("relative/", UriKind.Relative)]));
    }

    private string WriteLabels(int count)
    {
        string path = _data.File("labels.idx");
        IdxWriter.WriteFile(path, new byte[count], [count]);
        return path;
    }

    /// <summary>Records reports synchronously, in order (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class Recorder(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }

            onReport?.Invoke(value);
        }
    }
}
