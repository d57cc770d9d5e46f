package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker-compose.yml} without a Docker engine: pinned images (Keycloak exactly the version the build tests),
 * production mode, the shared options file, every mounted file present in the repository or the build output, and
 * every Keycloak option it sets (command line, {@code env_file}, {@code environment}) one that
 * {@code kc.sh start --help-all} of the unpacked distribution lists. Runs after {@code package}, which builds the
 * jar the file mounts.
 */
class ComposeFileIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern HELP_OPTION = Pattern.compile("^\\s*--([a-z0-9][a-z0-9-]*(?:-<[a-z-]+>)?[a-z0-9-]*)", Pattern.MULTILINE);
    /** Variables Keycloak reads that are not options of {@code start}. */
    private static final Set<String> NOT_OPTIONS = Set.of("KC_BOOTSTRAP_ADMIN_USERNAME", "KC_BOOTSTRAP_ADMIN_PASSWORD");

    private static Map<String, Object> keycloak;
    private static Map<String, Object> postgres;
    private static Set<String> startOptions;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        keycloak = (Map<String, Object>) services.get("keycloak");
        postgres = (Map<String, Object>) services.get("postgres");
        startOptions = startOptions();
    }

    @Test
    void imagesArePinnedToWhatTheBuildTests() {
        assertThat(keycloak.get("image")).isEqualTo("quay.io/keycloak/keycloak:" + System.getProperty("keycloak.version"));
        assertThat((String) postgres.get("image")).matches("postgres:\\d+(\\.\\d+)*");
    }

    @Test
    void keycloakRunsInProductionModeWithTheSharedOptions() {
        assertThat(command()).first().isEqualTo("start");
        assertThat(command()).doesNotContain("start-dev", "--optimized");
        assertThat(keycloak.get("env_file")).isEqualTo(List.of("dist/" + ProductionOptions.FILE.toString().replace('\\', '/')));
        Map<String, String> shared = ProductionOptions.read();
        assertThat(shared).containsEntry("KC_DB", "postgres").containsEntry("KC_HEALTH_ENABLED", "true")
                .containsEntry("KC_HTTP_ENABLED", "true");
        assertThat(environment()).containsKeys("KC_DB_URL", "KC_DB_USERNAME", "KC_DB_PASSWORD", "KC_HOSTNAME")
                .as("the shared file's options are not repeated, so there is one place to change them")
                .doesNotContainKeys(shared.keySet().toArray(String[]::new));
        assertThat(keycloak.get("healthcheck").toString()).contains("9000", "/health/ready");
    }

    @Test
    void everyKeycloakOptionIsOneThatStartAccepts() {
        List<String> set = new ArrayList<>();
        command().stream().skip(1).map(arg -> arg.replaceFirst("^--", "").replaceFirst("=.*", "")).forEach(set::add);
        ProductionOptions.read().keySet().stream().map(ProductionOptions::optionName).forEach(set::add);
        environment().keySet().stream().filter(name -> name.startsWith("KC_") && !NOT_OPTIONS.contains(name))
                .map(ProductionOptions::optionName).forEach(set::add);
        assertThat(set).as("options of kc.sh start --help-all").isSubsetOf(startOptions).contains("import-realm", "db");
    }

    @Test
    void everyMountedFileExistsInTheRepositoryOrTheBuildOutput() {
        List<String> volumes = strings(keycloak.get("volumes"));
        assertThat(volumes).isNotEmpty();
        for (String volume : volumes) {
            String[] parts = volume.split(":");
            Path host = REPO.resolve(parts[0]).normalize();
            assertThat(host).as(volume).isRegularFile();
            assertThat(parts[1]).as(volume).startsWith("/opt/keycloak/");
            assertThat(parts).as("mounted read-only: %s", volume).hasSize(3).endsWith("ro");
        }
        assertThat(volumes).anyMatch(v -> v.endsWith(":/opt/keycloak/providers/actorbound.jar:ro"))
                .anyMatch(v -> v.contains(":/opt/keycloak/data/import/"));
    }

    private static List<String> command() {
        return strings(keycloak.get("command"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment() {
        return (Map<String, Object>) keycloak.get("environment");
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }

    /** The option names {@code kc.sh start --help-all} lists, e.g. {@code hostname-strict}, {@code import-realm}. */
    private static Set<String> startOptions() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("keycloak.home")).toAbsolutePath();
        Process help = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start", "--help-all")
                .directory(home.toFile()).redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Set<String> options = new LinkedHashSet<>();
        Matcher m = HELP_OPTION.matcher(text);
        while (m.find()) {
            options.add(m.group(1));
        }
        assertThat(options).as("kc.sh start --help-all printed no options:\n%s", text).contains("hostname", "db-url");
        return options;
    }
}
