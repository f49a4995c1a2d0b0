package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secureconnect.crypto.totp.OathTool;
import dev.secureconnect.testing.Eventually;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The appliance admin's web console in a real headless Chromium (Debian's {@code chromium} + {@code chromium-driver},
 * driven by Selenium), against a real server, appliance daemon, OpenSSH {@code sshd} and {@code sc-engineer proxy}:
 * sign in, the kill switch off and on, a ticket connected, an engineer's ssh session appearing live and cut by
 * Disconnect, the activity log with those records and its chain intact, XSS rendered as text, CSRF and lockout
 * refused. With {@code -Dsecureconnect.screenshots=DIR} it saves a screenshot of each screen (docs/images).
 */
class ConsoleIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ADMIN = "admin";
    private static final String PASSWORD = "console test password";
    /** 32 characters: what the name field takes. */
    private static final String XSS = "<img src=x onerror=window.xss=1>";
    /** Bob's name in his certificate: shown in the live table, as text. */
    private static final String BOB_NAME = "Bob " + XSS;

    @TempDir
    Path root;

    SupportWorld world;
    ServerUnderTest server;
    OpenSshd sshd;
    ApplianceProcess appliance;
    EngineerProcess bob;
    WebDriver browser;
    WebDriverWait wait;
    String url;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver):"
                        + " the console's browser test is skipped");
        world = new SupportWorld(root, "SN-CONSOLE-1", "0", BOB_NAME);
        server = world.server;
        sshd = world.sshd;
        appliance = world.appliance;
        bob = world.bob;
        addConsoleUser(appliance.dir, ADMIN, PASSWORD);
        appliance.start();
        Path urlFile = appliance.dir.resolve("run/console.url");
        Eventually.within(Duration.ofSeconds(30), "the console writes its address", () -> Files.exists(urlFile));
        url = Files.readString(urlFile).strip();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-GB");
        options.setAcceptInsecureCerts(true); // the console's own self-signed certificate
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 860));
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void theAdminRunsSupportAccessFromTheBrowser() throws Exception {
        // ---- sign-in: lockout refused, XSS in a name audited as text ----
        browser.get(url);
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-name")));
        screenshot("console-signin");
        for (int i = 0; i < 5; i++) {
            signIn(XSS, "not the password " + i);
        }
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "locked until"));
        signIn(ADMIN, "wrong password!!");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "wrong name or password"));
        signIn(ADMIN, PASSWORD);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertThat(text("who")).contains(ADMIN);
        assertThat(name.isDisplayed()).isFalse();

        // ---- CSRF: a state change without the token is refused ----
        Object forged = ((JavascriptExecutor) browser)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "fetch('/api/switch', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                        + " body: JSON.stringify({enabled: true})}).then(r => done(r.status), e => done(String(e)));");
        assertThat(forged).isEqualTo(403L);
        assertThat(appliance.status().path("enabled").asBoolean()).isFalse();

        // ---- the kill switch: on, off, on ----
        wait.until(ExpectedConditions.textToBe(By.id("switch-state"), "OFF"));
        toggleSwitch("ON");
        toggleSwitch("OFF");
        assertThat(appliance.status().path("enabled").asBoolean()).isFalse();
        toggleSwitch("ON");
        screenshot("console-status");

        // ---- a ticket: a bad number refused as text, the real one accepted ----
        view("tickets");
        String ticket = server.openTicket("console test", appliance.serial);
        type("ticket-number", XSS);
        browser.findElement(By.id("ticket-connect")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ticket-result"), "not valid"));
        assertThat(text("ticket-result")).contains("<img src=x");
        type("ticket-number", ticket);
        browser.findElement(By.id("ticket-connect")).click();
        Eventually.within(
                Duration.ofSeconds(10),
                "the server lists the appliance online",
                () -> server.online(appliance.serial, ticket));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tickets-body"), "accepted"));
        screenshot("console-tickets");

        // ---- an engineer's ssh session appears live; Disconnect ends it ----
        view("connections");
        Launcher.Result login = bob.login(server.engineerPort(), OathTool.totp(world.bobSecret));
        assertThat(login.exitCode()).as(login.describe()).isZero();
        SupportWorld.access(bob, appliance.serial, ticket);
        Process ssh = ssh(bob, "echo connected; sleep 120");
        try {
            Path sshOut = root.resolve("ssh.out");
            Eventually.within(Duration.ofSeconds(30), "the engineer's ssh session runs", () -> {
                try {
                    return Files.exists(sshOut) && Files.readString(sshOut).contains("connected");
                } catch (IOException e) {
                    return false;
                }
            });
            By row = By.cssSelector("#connections-body tr[data-session]");
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .withMessage(
                            () -> "no row in the live table; the API says "
                                    + ((JavascriptExecutor) browser)
                                            .executeAsyncScript(
                                                    "const done = arguments[arguments.length - 1];"
                                                            + "fetch('/api/connections').then(r => r.text()).then(done, e => done(String(e)));"))
                    .until(ExpectedConditions.presenceOfElementLocated(row));
            // the live table is drawn again twice a second: read and click with retries on a redrawn row
            String text = wait.until(d -> {
                try {
                    String now = d.findElement(row).getText();
                    return now.contains("bob") && !now.contains(" 0 B 0 B") ? now : null;
                } catch (StaleElementReferenceException e) {
                    return null;
                }
            });
            assertThat(text).contains("bob", ticket, "forward", Integer.toString(sshd.port()));
            assertThat(text)
                    .as("the engineer's name from his certificate, as text")
                    .contains(BOB_NAME);
            assertThat(browser.findElements(By.cssSelector("#connections-body img, #connections-body script")))
                    .isEmpty();
            screenshot("console-connections");
            wait.until(d -> {
                try {
                    d.findElement(row).findElement(By.tagName("button")).click();
                    return true;
                } catch (StaleElementReferenceException e) {
                    return false;
                }
            });
            assertThat(ssh.waitFor(5, TimeUnit.SECONDS))
                    .as("the engineer's ssh ends once the admin clicked Disconnect")
                    .isTrue();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("connections-empty")));
        } finally {
            ssh.destroyForcibly();
        }

        // ---- the access policy: a bad command refused as text, a command and a folder added as the CLI adds them ----
        view("policy");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-body"), "ssh"));
        type("command-name", XSS);
        type("command-argv", "/bin/df -h");
        browser.findElement(By.cssSelector("#command-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("command-result"), "is not valid"));
        assertThat(text("command-result")).contains("<img src=x");
        type("command-name", "disk-usage");
        browser.findElement(By.cssSelector("#command-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("commands-body"), "disk-usage"));
        Path logs = Files.createDirectories(root.resolve("appliance-logs"));
        type("folder-path", logs.toString());
        browser.findElement(By.cssSelector("#folder-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("folders-body"), logs.toString()));
        assertThat(appliance.admin("commands list")).contains("disk-usage", "/bin/df -h");
        assertThat(appliance.admin("files list")).contains(logs.toString(), "read-only");
        screenshot("console-policy");

        // ---- the activity log: the records, escaped; verify says intact ----
        view("activity");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-body"), "session.disconnected"));
        String log = text("audit-body");
        assertThat(log)
                .contains(
                        "ticket.connected",
                        "secureconnect.disabled",
                        "console.locked",
                        "admin@127.0.0.1",
                        XSS,
                        "command.allowed",
                        "folder.allowed");
        browser.findElement(By.id("audit-verify")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-verdict"), "intact"));
        screenshot("console-activity");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.xss === undefined"))
                .as("no injected script ran")
                .isEqualTo(true);
        assertThat(browser.findElements(By.cssSelector("#audit-body img, #audit-body script")))
                .isEmpty();
        String audit = appliance.admin("audit", "--json");
        assertThat(audit).contains("session.disconnected", "admin@127.0.0.1");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void signIn(String user, String password) {
        type("signin-name", user);
        type("signin-password", password);
        browser.findElement(By.id("signin-submit")).click();
        wait.until(d -> d.findElement(By.id("signin-submit")).isEnabled());
    }

    private void toggleSwitch(String expected) {
        browser.findElement(By.id("switch-toggle")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok")))
                .click();
        wait.until(ExpectedConditions.textToBe(By.id("switch-state"), expected));
        Eventually.within(Duration.ofSeconds(10), "the daemon's switch is " + expected, () -> {
            try {
                return appliance.status().path("enabled").asBoolean() == expected.equals("ON");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private void view(String name) {
        browser.findElement(By.cssSelector(".tabs a[data-view='" + name + "']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + name)));
    }

    private void type(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Saves a screenshot as {@code DIR/NAME.png} when {@code -Dsecureconnect.screenshots=DIR} is set. */
    private void screenshot(String name) throws IOException {
        String dir = System.getProperty("secureconnect.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Path folder = Files.createDirectories(Path.of(dir));
        Files.write(folder.resolve(name + ".png"), png);
    }

    /** {@code sc-appliance console user add NAME}, the password on standard input. */
    static void addConsoleUser(Path dir, String name, String password) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        Launcher.bin("sc-appliance").toString(),
                        "console",
                        "user",
                        "add",
                        "--dir",
                        dir.toString(),
                        name)
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
    }

    /** Starts ssh through {@code sc-engineer proxy} (output to a file); the caller waits for it or kills it. */
    private Process ssh(EngineerProcess engineer, String remoteCommand) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(world.ssh(engineer, remoteCommand))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("ssh.out").toFile());
        builder.environment().putAll(engineer.environment());
        return builder.start();
    }
}
