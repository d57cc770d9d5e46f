package dev.actorbound.resourceserver;

/**
 * Turns a bearer token into the principal it speaks for, or refuses it. Two implementations: {@link JwksTokenVerifier}
 * checks the signature locally against the realm's keys (fast; a revoked delegation stays usable until the token
 * expires) and {@link IntrospectionTokenVerifier} asks the authorization server (RFC 7662; sees a revocation within
 * its short cache). Both are thread-safe.
 */
public interface TokenVerifier {

    /** @throws Refusal {@code 401 invalid_token} for a token this resource must not accept, {@code 503} when it cannot tell */
    DelegatedPrincipal verify(String token) throws Refusal;
}
