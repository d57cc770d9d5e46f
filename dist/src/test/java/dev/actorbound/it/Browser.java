package dev.actorbound.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven by Selenium, with a fresh profile. Without Chromium the calling test is skipped
 * locally and fails when the {@code CI} environment variable is set, so that CI never passes by skipping.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser, or skips (locally) / fails (CI) the calling test when Chromium is not installed. */
    public static Browser open() {
        requireChromium();
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        try {
            Path profile = Files.createTempDirectory("actorbound-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,1024", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a browser profile directory", e);
        }
    }

    private static void requireChromium() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = "browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): apt-get install -y chromium chromium-driver";
        String ci = System.getenv("CI");
        if (!installed && ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            Assertions.fail(message);
        }
        Assumptions.assumeTrue(installed, message);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Opens {@code url}. When Keycloak answers straight with a redirect to the app's callback (an SSO session and a
     * remembered consent), Chromium reports the callback's refused connection, since nothing listens there; that
     * is the expected end of the navigation, which {@link #awaitRedirect} then reads.
     */
    public void navigate(String url) {
        try {
            driver.get(url);
        } catch (org.openqa.selenium.WebDriverException e) {
            if (e.getMessage() == null || !e.getMessage().contains("ERR_CONNECTION_REFUSED")) {
                throw e;
            }
        }
    }

    /** Opens {@code url} and submits Keycloak's login form (keycloak.v2 theme). */
    public void loginAt(String url, String username, String password) {
        driver.get(url);
        login(username, password);
    }

    /** Submits the login form shown now. */
    public void login(String username, String password) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        driver.findElement(By.id("username")).clear();
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
    }

    /**
     * Waits until the browser is sent to {@code redirectUri} and returns its query parameters ({@code code},
     * {@code state}, {@code error}, {@code error_description}, ...). Nothing listens there: the URL is all we need.
     */
    public Map<String, String> awaitRedirect(String redirectUri) {
        try {
            new WebDriverWait(driver, WAIT).until(d -> currentUrl().startsWith(redirectUri));
        } catch (TimeoutException e) {
            throw new AssertionError("the browser was not redirected to " + redirectUri + "; it shows "
                    + currentUrl() + " titled \"" + driver.getTitle() + "\"", e);
        }
        return OAuth.queryParameters(currentUrl());
    }

    public String currentUrl() {
        String url = driver.getCurrentUrl();
        return url == null ? "" : url;
    }

    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            File png = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot save a screenshot to " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
