package dev.actorbound.keycloak;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The structure docs/ARCHITECTURE.md draws, checked on the compiled classes: a core every feature shares, two shared
 * token-side packages built on it, and features that never depend on each other. A new package must be listed here.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.actorbound.keycloak.";
    /** What every feature shares: agent model, binding, options, errors, audit keys, consent store interface. */
    private static final String CORE = "core";
    /**
     * Packages several features share: the delegation invariant and the one actor-token path (token side), and the
     * realm's policy decisions (asked by the consent step and by every grant that issues a delegated token).
     */
    private static final List<String> SHARED = List.of("delegation", "actortoken", "policy");
    private static final List<String> FEATURES = List.of("authorize", "consent", "account", "admin", "grant", "exchange",
            "claims", "introspection", "userinfo", "audit", "discovery");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT.substring(0, ROOT.length() - 1));
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + "(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPackageHasItsPlace() {
        List<String> known = Stream.concat(Stream.of(CORE), Stream.concat(SHARED.stream(), FEATURES.stream()))
                .map(name -> ROOT + name).toList();
        noClasses().should().resideOutsideOfPackages(known.toArray(String[]::new))
                .because("a package that is not in this test's lists has no declared place in the structure")
                .check(classes);
    }

    @Test
    void coreDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage(ROOT + CORE)
                .should().dependOnClassesThat().resideInAnyPackage(others(CORE))
                .check(classes);
    }

    @ParameterizedTest
    @MethodSource("shared")
    void sharedPackagesDependOnlyOnCore(String shared) {
        noClasses().that().resideInAPackage(ROOT + shared)
                .should().dependOnClassesThat().resideInAnyPackage(others(CORE, shared))
                .check(classes);
    }

    @ParameterizedTest
    @MethodSource("features")
    void featuresDoNotDependOnEachOther(String feature) {
        List<String> allowed = Stream.concat(Stream.of(CORE, feature), SHARED.stream()).toList();
        noClasses().that().resideInAPackage(ROOT + feature)
                .should().dependOnClassesThat().resideInAnyPackage(others(allowed.toArray(String[]::new)))
                .check(classes);
    }

    static Stream<String> shared() {
        return SHARED.stream();
    }

    static Stream<String> features() {
        return FEATURES.stream();
    }

    /** Every package of ours except the given ones. */
    private static String[] others(String... allowed) {
        List<String> keep = List.of(allowed);
        return Stream.concat(Stream.of(CORE), Stream.concat(SHARED.stream(), FEATURES.stream()))
                .filter(name -> !keep.contains(name))
                .map(name -> ROOT + name + "..")
                .toArray(String[]::new);
    }
}
