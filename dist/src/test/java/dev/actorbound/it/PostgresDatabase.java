package dev.actorbound.it;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * The run's PostgreSQL ({@code -Dit.db=postgres}), read over JDBC: to look at the rows Keycloak keeps, and to give a
 * test's own servers a schema of their own so that they never share data or caches with the shared server. On the H2
 * pass there is none: that database lives inside the server.
 */
final class PostgresDatabase {

    private static final SecureRandom RANDOM = new SecureRandom();

    private PostgresDatabase() {
    }

    static boolean available() {
        return KeycloakProcess.persistentDatabase();
    }

    /** The single number {@code sql} selects, in the shared server's schema or in {@code schema} when not null. */
    static long count(String schema, String sql, String... parameters) {
        try (Connection connection = connect(schema); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql, e);
        }
    }

    /** Rows of the agent consent table that name {@code id} in {@code column}. */
    static long consentRows(String schema, String column, String id) {
        return count(schema, "select count(*) from ACTORBOUND_AGENT_CONSENT where " + column + " = ?", id);
    }

    /** A new, empty schema {@code <prefix>_<8 hex>}, owned by the run's database user. */
    static String createSchema(String prefix) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String schema = prefix + "_" + HexFormat.of().formatHex(suffix);
        execute("create schema " + schema);
        return schema;
    }

    static void dropSchema(String schema) {
        execute("drop schema if exists " + schema + " cascade");
    }

    /** The options that put a server of a test's own on {@code schema} of the run's database. */
    static List<String> keycloakOptions(String schema) {
        return List.of("--db=postgres", "--db-url=" + KeycloakProcess.requiredProperty("it.db.url"),
                "--db-username=" + KeycloakProcess.requiredProperty("it.db.username"),
                "--db-password=" + KeycloakProcess.requiredProperty("it.db.password"), "--db-schema=" + schema);
    }

    private static void execute(String sql) {
        try (Connection connection = connect(null); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql, e);
        }
    }

    private static Connection connect(String schema) throws SQLException {
        Connection connection = DriverManager.getConnection(KeycloakProcess.requiredProperty("it.db.url"),
                KeycloakProcess.requiredProperty("it.db.username"), KeycloakProcess.requiredProperty("it.db.password"));
        if (schema != null) {
            connection.setSchema(schema);
        }
        return connection;
    }
}
