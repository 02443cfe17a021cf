using System.Diagnostics;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(LeNet5.Web.Tests.WebApp))]

namespace LeNet5.Web.Tests;

/// <summary>
/// The published page, served on a loopback port, and one headless Chromium driven by Playwright. Started on first
/// use: a test first calls <see cref="StartAsync"/>, which skips the test (with the reason) on a machine without
/// Chromium, or fails it under CI (<c>CI=true</c>), whose script installs Chromium.
/// </summary>
public sealed class WebApp : IAsyncDisposable
{
    private static readonly string[] s_chromiumNames = ["chromium", "chromium-browser"];

    /// <summary>The switches the tests launch Chromium with: headless, and nothing that goes to the network.</summary>
    public static readonly string[] ChromiumArguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private StaticFileServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The folder holding LeNet5.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Where the page is served.</summary>
    public Uri Address => _server!.Address;

    /// <summary>The browser.</summary>
    public IBrowser Browser => _browser!;

    /// <summary>How long publishing the app took, for the report.</summary>
    public TimeSpan PublishTime { get; private set; }

    /// <summary>Chromium from the PATH, or null.</summary>
    public static string? FindChromium()
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in s_chromiumNames)
            {
                if (File.Exists(Path.Combine(folder, name)))
                    return Path.Combine(folder, name);
            }
        }

        return null;
    }

    /// <summary>Publishes and serves the app and starts Chromium, once; skips (or under CI fails) without Chromium.</summary>
    public async Task StartAsync()
    {
        string? chromium = FindChromium();
        if (chromium is null)
        {
            const string reason = "Chromium is not on the PATH, so the browser tests of the web page cannot run (install it: apt-get install chromium; .ci/run does).";
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), $"{reason} CI must run them.");
            Assert.Skip(reason);
        }
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_browser is not null)
                return;
            string wwwroot = await PublishAsync();
            _server = new StaticFileServer(wwwroot);
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArguments,
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh page on the app, its console errors and page errors collected, once the model is loaded.</summary>
    public async Task<AppPage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var app = new AppPage(context, page);
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(Address.ToString());
        await page.Locator("[data-testid=status][data-ready=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
        app.LoadTime = clock.Elapsed;
        return app;
    }

    /// <summary>
    /// dotnet publish of samples/LeNet5.Web, without building it again (the test project's reference built it), into
    /// a folder beside the tests. Returns its wwwroot.
    /// </summary>
    private async Task<string> PublishAsync()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "web-app");
        string project = Path.Combine(RepositoryRoot, "samples", "LeNet5.Web", "LeNet5.Web.csproj");
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["publish", project, "-c", configuration, "--no-build", "-o", output, "-nologo"])
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        PublishTime = clock.Elapsed;
        string wwwroot = Path.Combine(output, "wwwroot");
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(wwwroot, "index.html")))
            throw new InvalidOperationException($"dotnet publish of {project} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        return wwwroot;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNet5.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException($"No LeNet5.sln in {AppContext.BaseDirectory} or any folder above it.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        _gate.Dispose();
    }
}

/// <summary>One page of the app, with every console error and uncaught page error it reported.</summary>
public sealed class AppPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly List<string> _errors = Collect(page);

    public IPage Page { get; } = page;

    /// <summary>From navigation to the bundled model loaded (the status says ready).</summary>
    public TimeSpan LoadTime { get; set; }

    /// <summary>Console messages of type error, and uncaught exceptions, so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
                return [.. _errors];
        }
    }

    private static List<string> Collect(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                    errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
                errors.Add($"page error: {error}");
        };
        return errors;
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
