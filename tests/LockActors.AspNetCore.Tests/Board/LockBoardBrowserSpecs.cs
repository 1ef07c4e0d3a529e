// Guarantee: the lock board works in a real browser. Headless chromium opens the page served by
// Kestrel, shows a lock the test took with its label and a wait queued behind another, renders a key
// made of markup as text, and updates itself when the test releases the lock. Screenshots are written next to the test assembly.
//
// The browser is the system's chromium (LOCKACTORS_CHROMIUM names another); nothing is downloaded.
// Where none is installed the test reports itself skipped with that reason (.ci/run installs it).

using PuppeteerSharp;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.AspNetCore.Tests.Board;

public sealed class LockBoardBrowserSpecs(ITestOutputHelper output)
{
    /// <summary>How long the page may take to show a change: it polls every second; a loaded machine is slow.</summary>
    private const int DomTimeoutMs = 60_000;

    private static readonly string[] KnownBrowsers = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    [SkippableFact]
    public async Task The_board_shows_a_held_lock_with_its_label_and_updates_when_it_is_released()
    {
        var browserPath = FindBrowser();
        Skip.If(browserPath is null,
            $"No chromium to drive: none of {string.Join(", ", KnownBrowsers)} exists and LOCKACTORS_CHROMIUM is not set (install it with: apt-get install -y chromium).");

        await using var app = await BoardApp.StartAsync(kestrel: true);
        const string key = "order:42";
        const string label = "checkout by user 7";
        const string markup = "<img src=x onerror=\"window.injected = true\">";
        var held = await app.Locks.LockAsync(key, LockOptions.Exclusive with { Label = label });
        await using var markupLock = await app.Locks.LockAsync(markup, LockOptions.Exclusive with { Label = "<b>not bold</b>" });
        await using var restock = await app.Locks.LockAsync("stock:9", LockOptions.Exclusive with { Label = "restock job" });
        var reserve = app.Locks.LockAsync("stock:9", LockOptions.Within(Timeout.InfiniteTimeSpan) with { Label = "reserving for order 42" });
        await Eventually.QueuedAsync(app.Locks, "stock:9", 1);

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = browserPath,
            // Root in a container has no user namespace for chromium's sandbox; /dev/shm may be tiny.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            Timeout = DomTimeoutMs,
        });
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        var errors = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add($"{e.Message.Text} ({e.Message.Location?.URL})");
            }
        };

        var response = await page.GoToAsync(new Uri(app.Address, "/locks").ToString());
        Assert.True(response.Ok, $"the board answered {response.Status}");
        Assert.EndsWith("/locks/", page.Url);

        await WaitForAsync(page, "rows => rows.some(r => r.key === 'order:42' && r.text.includes('checkout by user 7'))");
        await WaitForAsync(page, $"rows => rows.some(r => r.key === {Quoted(markup)})");
        await page.WaitForFunctionAsync(
            "() => document.querySelector('#queues tbody').textContent.includes('reserving for order 42')"
            + " && document.querySelector('#graph tbody').textContent.includes('restock job')"
            + " && document.querySelector('#hot-waiters tbody').textContent.includes('stock:9')",
            new WaitForFunctionOptions { Timeout = DomTimeoutMs, PollingInterval = 100 });
        Assert.Contains(label, await page.EvaluateExpressionAsync<string>("document.querySelector('#owners').textContent"));
        Assert.False(await page.EvaluateExpressionAsync<bool>("window.injected === true"), "markup in a key ran as HTML");
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#held tbody img, #held tbody b').length"));
        Assert.Contains("<b>not bold</b>", await page.EvaluateExpressionAsync<string>("document.querySelector('#held').textContent"));
        await ScreenshotAsync(page, "lock-board-held.png");

        await held.ReleaseAsync();

        await WaitForAsync(page, "rows => !rows.some(r => r.key === 'order:42')");
        Assert.Equal(["<img src=x onerror=\"window.injected = true\">", "stock:9"], (await page.EvaluateExpressionAsync<string[]>(
            "[...document.querySelectorAll('#held tbody tr')].map(r => r.dataset.key)")).Order(StringComparer.Ordinal));
        await ScreenshotAsync(page, "lock-board-released.png");
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        await restock.ReleaseAsync();
        await (await reserve).ReleaseAsync();
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the held-keys table's rows (<c>{ key, text }</c> each).</summary>
    private static Task WaitForAsync(IPage page, string predicate) =>
        page.WaitForFunctionAsync(
            $"() => ({predicate})([...document.querySelectorAll('#held tbody tr')].map(r => ({{ key: r.dataset.key, text: r.textContent }})))",
            new WaitForFunctionOptions { Timeout = DomTimeoutMs, PollingInterval = 100 });

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    private static string Quoted(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>The browser named by LOCKACTORS_CHROMIUM (which must exist), else the first one installed, else null.</summary>
    private static string? FindBrowser()
    {
        if (Environment.GetEnvironmentVariable("LOCKACTORS_CHROMIUM") is { Length: > 0 } named)
        {
            Assert.True(File.Exists(named), $"LOCKACTORS_CHROMIUM names {named}, which does not exist.");
            return named;
        }

        return KnownBrowsers.FirstOrDefault(File.Exists);
    }
}
