/**
 * Test support shared by every module's tests: private nats-server and PostgreSQL processes for
 * integration tests ({@link io.bellhop.testing.TestServices}), and the JWT minter ({@link
 * io.bellhop.testing.TestTokens}).
 */
package io.bellhop.testing;
