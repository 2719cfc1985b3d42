/**
 * Test support shared by every module's tests: private nats-server and PostgreSQL processes for
 * integration tests ({@link io.bellhop.testing.TestServices}), the JWT minter ({@link
 * io.bellhop.testing.TestTokens}), a child process's output ({@link
 * io.bellhop.testing.ProcessOutput}) and what tests log ({@link io.bellhop.testing.TestLogging}).
 */
package io.bellhop.testing;
