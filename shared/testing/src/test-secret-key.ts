/**
 * The `SECRET_KEY` of every test. The `switchboard_app` database role is one per PostgreSQL
 * server and its password is derived from this key, so test files that migrate must agree on
 * it, or they lock each other out.
 */
export const testSecretKey = 'switchboard-tests-secret-key-0123456789abcdef';
