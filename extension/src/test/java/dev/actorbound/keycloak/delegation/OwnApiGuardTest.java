package dev.actorbound.keycloak.delegation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OwnApiGuardTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "admin/realms/demo/users, ADMIN",
            "/admin/realms/demo/clients/1, ADMIN",
            "admin/master/console/whoami, ADMIN",
            "realms/demo/account, ACCOUNT",
            "/realms/demo/account/credentials, ACCOUNT",
            "realms/demo/account/v1/sessions, ACCOUNT",
            "realms/demo/clients-registrations/default, CLIENT_REGISTRATION",
            "/realms/demo/clients-registrations/openid-connect/abc, CLIENT_REGISTRATION",
            "realms/demo/protocol/openid-connect/token, none",
            "realms/demo/protocol/openid-connect/userinfo, none",
            "realms/account/protocol/openid-connect/token, none",
            "realms/demo/accounting, none",
            "administrator, none",
            "'', none"})
    void tellsKeycloaksOwnApisFromTheRest(String path, OwnApiGuard.Api expected) {
        assertThat(OwnApiGuard.Api.of(path)).isEqualTo(Optional.ofNullable(expected));
    }
}
