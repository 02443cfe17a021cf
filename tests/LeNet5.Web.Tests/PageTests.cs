using System.Diagnostics;
using System.Globalization;
using LeNet5.Data;
using LeNet5.Network;
using LeNet5.Serialization;
using Microsoft.Playwright;

namespace LeNet5.Web.Tests;

/// <summary>
/// The page in a real Chromium: real MNIST test digits drawn with the mouse are recognised, with the desktop's scores;
/// the kernels take the 128-bit path; a model file loads; training runs in slices with the page responsive; and
/// nothing is logged to the console as an error.
/// </summary>
public sealed class PageTests(WebApp app, ITestOutputHelper output)
{
    /// <summary>Digits drawn: the first ones of the committed MNIST test subset.</summary>
    private const int DrawnDigits = 50;

    /// <summary>Ink from this level (of 255) up is traced by the pen.</summary>
    private const int InkLevel = 128;

    private static string SubsetFolder => Path.Combine(WebApp.RepositoryRoot, "tests", "LeNet5.Tests", "TestData", "mnist");

    private static string BundledModel => Path.Combine(WebApp.RepositoryRoot, "samples", "LeNet5.Web", "wwwroot", "models", "lenet5-classic.safetensors");

    [Fact]
    public async Task DrawnTestDigits_AreRecognised_WithTheDesktopsScores()
    {
        await app.StartAsync();
        await using var session = await app.OpenAsync();
        var page = session.Page;
        var test = MnistDataset.LoadTest(SubsetFolder, DrawnDigits);
        var desktop = ModelFile.Load(BundledModel);

        int right = 0;
        var wrong = new List<string>();
        var latencies = new List<double>();
        var dotnetMs = new List<double>();
        double largestScoreDifference = 0;
        var canvas = await page.Locator("#digit").BoundingBoxAsync() ?? throw new InvalidOperationException("no canvas");
        for (int i = 0; i < test.Count; i++)
        {
            await page.GetByTestId("clear").ClickAsync();
            // Cleared: the last digit's prediction is gone, so the one awaited below is this digit's.
            await page.Locator("[data-testid=prediction][data-strokes=\"0\"]").WaitForAsync();
            var strokes = Strokes(test.Image(i));
            var clock = new Stopwatch();
            foreach (var (x0, x1, y) in strokes)
            {
                // One MNIST pixel is a 28th of the canvas; a stroke runs along a pair of rows' ink, centre to centre
                // (the pen, 2.2 MNIST pixels wide, covers both rows).
                await page.Mouse.MoveAsync(canvas.X + ((x0 + 0.5f) * canvas.Width / 28), canvas.Y + (y * canvas.Height / 28));
                await page.Mouse.DownAsync();
                await page.Mouse.MoveAsync(canvas.X + ((x1 + 0.5f) * canvas.Width / 28), canvas.Y + (y * canvas.Height / 28), new MouseMoveOptions { Steps = 2 });
                clock.Restart();
                await page.Mouse.UpAsync();
            }
            var prediction = page.Locator($"[data-testid=prediction][data-strokes=\"{strokes.Count}\"]");
            await prediction.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            dotnetMs.Add(double.Parse(await page.GetByTestId("timing").GetAttributeAsync("data-predict-ms") ?? "0", CultureInfo.InvariantCulture));

            string text = (await prediction.InnerTextAsync()).Trim();
            int digit = text[^1] - '0';
            if (digit == test.Label(i))
                right++;
            else
                wrong.Add($"test image {i}: a {test.Label(i)} read as {digit}");

            // The same 28×28 digit through the desktop's network: the same scores within float rounding.
            byte[] input = Convert.FromBase64String(await prediction.GetAttributeAsync("data-input") ?? "");
            float[] browserScores = (await prediction.GetAttributeAsync("data-scores") ?? "").Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var expected = desktop.Predict(input);
            Assert.Equal(expected.Digit, digit);
            for (int c = 0; c < 10; c++)
            {
                double difference = Math.Abs(browserScores[c] - expected.Scores[c]) / Math.Max(1, Math.Abs(expected.Scores[c]));
                largestScoreDifference = Math.Max(largestScoreDifference, difference);
            }
        }

        latencies.Sort();
        dotnetMs.Sort();
        output.WriteLine($"drawn MNIST test digits recognised: {right} of {test.Count}; {string.Join("; ", wrong)}");
        output.WriteLine($"time to prediction after the last stroke's mouse-up: median {latencies[latencies.Count / 2]:F1} ms, slowest {latencies[^1]:F1} ms (the first, cold: see LoadAndFirstPrediction)");
        output.WriteLine($"in .NET (preprocess, predict, every layer's maps): median {dotnetMs[dotnetMs.Count / 2]:F2} ms");
        output.WriteLine($"largest score difference from the desktop (relative): {largestScoreDifference:E2}");
        Assert.True(largestScoreDifference < 1e-4, $"browser and desktop scores differ by {largestScoreDifference:E2} (relative)");
        Assert.True(right >= test.Count * 95 / 100, $"only {right} of {test.Count} drawn digits recognised: {string.Join("; ", wrong)}");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task WebAssembly_TakesThe128BitPath()
    {
        await app.StartAsync();
        await using var session = await app.OpenAsync();
        string bits = await session.Page.GetByTestId("vector-bits").GetAttributeAsync("data-bits") ?? "";
        string text = await session.Page.GetByTestId("vector-bits").InnerTextAsync();
        output.WriteLine($"vector width in Chromium's WebAssembly: {bits} bits ({text}); on this desktop: {LeNet5Network.VectorBits}");
        // WebAssembly SIMD is 128 bits wide and on by default in .NET and in Chromium; without it the kernels run scalar (32).
        Assert.Equal("128", bits);
        Assert.Contains("128-bit", text, StringComparison.Ordinal);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task LoadAndFirstPrediction_AreTimed()
    {
        await app.StartAsync();
        await using var session = await app.OpenAsync();
        var page = session.Page;
        var canvas = await page.Locator("#digit").BoundingBoxAsync() ?? throw new InvalidOperationException("no canvas");
        // A 1: one vertical stroke.
        await page.Mouse.MoveAsync(canvas.X + (canvas.Width / 2), canvas.Y + (canvas.Height * 0.2f));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(canvas.X + (canvas.Width / 2), canvas.Y + (canvas.Height * 0.8f), new MouseMoveOptions { Steps = 8 });
        var clock = Stopwatch.StartNew();
        await page.Mouse.UpAsync();
        var prediction = page.Locator("[data-testid=prediction][data-strokes=\"1\"]");
        await prediction.WaitForAsync();
        double first = clock.Elapsed.TotalMilliseconds;
        Assert.EndsWith("1", (await prediction.InnerTextAsync()).Trim(), StringComparison.Ordinal);
        output.WriteLine($"page opened to the model loaded: {session.LoadTime.TotalMilliseconds:F0} ms (publish took {app.PublishTime.TotalSeconds:F0} s, once)");
        output.WriteLine($"first prediction after the mouse-up (cold): {first:F0} ms; {await page.GetByTestId("status").InnerTextAsync()}");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task AModelFileLoads_AndABadOneIsRefused()
    {
        await app.StartAsync();
        await using var session = await app.OpenAsync();
        var page = session.Page;
        string folder = Directory.CreateTempSubdirectory("lenet5-web-").FullName;
        try
        {
            // A Modern network that always says 3: every output weight zero, the bias of class 3 positive.
            var modern = LeNet5Network.Create(LeNet5.Model.NetworkDefinition.Modern(), seed: 7);
            var parameters = modern.Parameters;
            var outputLayer = parameters[^(84 * 10 + 10)..];
            outputLayer.Clear();
            outputLayer[^7] = 5f;
            string good = Path.Combine(folder, "always-three.safetensors");
            ModelFile.Save(modern, good);
            string bad = Path.Combine(folder, "not-a-model.safetensors");
            await File.WriteAllTextAsync(bad, "this is not safetensors");

            await DrawOneAsync(page);
            await page.GetByTestId("model-file").SetInputFilesAsync(good);
            await Assertions.Expect(page.GetByTestId("model-name")).ToHaveTextAsync("always-three.safetensors");
            await Assertions.Expect(page.GetByTestId("prediction")).ToContainTextAsync("3");
            Assert.Equal(0, await page.Locator("#map-prototype").CountAsync()); // Modern has no RBF prototypes

            await page.GetByTestId("model-file").SetInputFilesAsync(bad);
            await Assertions.Expect(page.GetByTestId("model-error")).ToContainTextAsync("not-a-model.safetensors");
            await Assertions.Expect(page.GetByTestId("model-name")).ToHaveTextAsync("always-three.safetensors");

            await page.GetByTestId("use-bundled").ClickAsync();
            await Assertions.Expect(page.GetByTestId("model-name")).ToContainTextAsync("bundled");
            await Assertions.Expect(page.GetByTestId("prediction")).ToContainTextAsync("1");

            // Downloading the model in use gives the bundled weights back (ModelFile.Save in the browser's file system).
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
            string saved = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(saved);
            Assert.Equal(ModelFile.Load(BundledModel).Parameters.ToArray(), ModelFile.Load(saved).Parameters.ToArray());
            Assert.Empty(session.Errors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TrainsInSlices_AndThePageStaysResponsive()
    {
        await app.StartAsync();
        await using var session = await app.OpenAsync();
        var page = session.Page;
        await page.GetByTestId("train-images").SelectOptionAsync("500");
        await page.GetByTestId("train-passes").SelectOptionAsync("2");
        await page.GetByTestId("train").ClickAsync();
        var stats = page.GetByTestId("train-stats");
        await page.Locator("[data-testid=train-stats][data-state=running]").WaitForAsync();

        // While it trains, the page still answers: a drawn 1 is recognised by the bundled model.
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=train-stats]').dataset.imagesPerSecond > 0");
        await DrawOneAsync(page);

        await page.Locator("[data-testid=train-stats][data-state=done]").WaitForAsync(new LocatorWaitForOptions { Timeout = 300_000 });
        string text = await stats.InnerTextAsync();
        double rate = double.Parse(await stats.GetAttributeAsync("data-images-per-second") ?? "0", CultureInfo.InvariantCulture);
        double error = double.Parse(await stats.GetAttributeAsync("data-test-error") ?? "1", CultureInfo.InvariantCulture);
        output.WriteLine($"training in Chromium: {text}");
        Assert.True(rate > 0);
        Assert.True(error < 0.5, $"test error {error:P1} after training");
        double gap = double.Parse(await stats.GetAttributeAsync("data-longest-frame-gap") ?? "1e9", CultureInfo.InvariantCulture);
        Assert.True(gap < 500, $"the page stopped drawing frames for {gap:F0} ms while training");
        output.WriteLine($"preparing the training code before the first step: {await stats.GetAttributeAsync("data-warm-up-ms")} ms");
        await Assertions.Expect(page.GetByTestId("model-name")).ToHaveTextAsync("trained here");
        Assert.Empty(session.Errors);
    }

    /// <summary>
    /// The README's picture: a short training run for the learning curve, then a real MNIST test digit drawn and
    /// recognised by the bundled model. Written to web-page.png beside the tests (docs/images/web-page.png is a copy).
    /// </summary>
    [Fact]
    public async Task Screenshot_IsWrittenForTheReadme()
    {
        await app.StartAsync();
        await using var session = await app.OpenAsync();
        var page = session.Page;
        await page.GetByTestId("train-images").SelectOptionAsync("500");
        await page.GetByTestId("train-passes").SelectOptionAsync("3");
        await page.GetByTestId("train").ClickAsync();
        await page.Locator("[data-testid=train-stats][data-state=done]").WaitForAsync(new LocatorWaitForOptions { Timeout = 300_000 });
        await page.GetByTestId("use-bundled").ClickAsync();
        await Assertions.Expect(page.GetByTestId("model-name")).ToContainTextAsync("bundled");

        var digit = MnistDataset.LoadTest(SubsetFolder, 1);
        await DrawAsync(page, digit.Image(0).ToArray());
        await Assertions.Expect(page.GetByTestId("prediction")).ToContainTextAsync(digit.Label(0).ToString(CultureInfo.InvariantCulture));
        string path = Path.Combine(AppContext.BaseDirectory, "web-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        Assert.Empty(session.Errors);
    }

    /// <summary>Draws a 28×28 digit with the mouse, stroke by stroke (<see cref="Strokes"/>), and waits for the prediction of them all.</summary>
    private static async Task DrawAsync(IPage page, byte[] digit)
    {
        var strokes = Strokes(digit);
        var canvas = await page.Locator("#digit").BoundingBoxAsync() ?? throw new InvalidOperationException("no canvas");
        foreach (var (x0, x1, y) in strokes)
        {
            await page.Mouse.MoveAsync(canvas.X + ((x0 + 0.5f) * canvas.Width / 28), canvas.Y + (y * canvas.Height / 28));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(canvas.X + ((x1 + 0.5f) * canvas.Width / 28), canvas.Y + (y * canvas.Height / 28), new MouseMoveOptions { Steps = 2 });
            await page.Mouse.UpAsync();
        }
        await page.Locator($"[data-testid=prediction][data-strokes=\"{strokes.Count}\"]").WaitForAsync();
    }

    /// <summary>Draws a 1 (one vertical stroke) and waits for its prediction.</summary>
    private static async Task DrawOneAsync(IPage page)
    {
        var canvas = await page.Locator("#digit").BoundingBoxAsync() ?? throw new InvalidOperationException("no canvas");
        string before = await page.GetByTestId("prediction").GetAttributeAsync("data-strokes") ?? "0";
        await page.Mouse.MoveAsync(canvas.X + (canvas.Width / 2), canvas.Y + (canvas.Height * 0.2f));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(canvas.X + (canvas.Width / 2), canvas.Y + (canvas.Height * 0.8f), new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        await page.Locator($"[data-testid=prediction]:not([data-strokes=\"{before}\"])").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("prediction")).ToContainTextAsync("1");
    }

    /// <summary>
    /// The ink of a 28×28 digit as strokes: rows 0 and 1, 2 and 3, … taken together (a pixel is ink if either row's is
    /// at or above <see cref="InkLevel"/>), each run of ink a stroke from its first pixel to its last, at the height
    /// between the two rows (Y in MNIST pixels from the top edge).
    /// </summary>
    internal static List<(int X0, int X1, float Y)> Strokes(ReadOnlySpan<byte> digit)
    {
        var strokes = new List<(int, int, float)>();
        for (int y = 0; y < 28; y += 2)
        {
            bool Ink(ReadOnlySpan<byte> d, int x) => d[(y * 28) + x] >= InkLevel || d[((y + 1) * 28) + x] >= InkLevel;
            for (int x = 0; x < 28; x++)
            {
                if (!Ink(digit, x))
                    continue;
                int start = x;
                while (x + 1 < 28 && Ink(digit, x + 1))
                    x++;
                strokes.Add((start, x, y + 1f));
            }
        }
        return strokes;
    }
}
