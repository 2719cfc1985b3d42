/** End-to-end load generator and baseline servers; see docs/benchmarks.md. */
package io.bellhop.bench;
