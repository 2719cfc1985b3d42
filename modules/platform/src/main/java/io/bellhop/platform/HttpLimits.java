package io.bellhop.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * {@code bellhop.http.*}: what one TCP connection may cost before it has proved who it is. Applied
 * by {@link ConnectionGuard} to every connection of the HTTP server (REST, SSE, long-poll and
 * WebSocket upgrades alike). A cap of 0 or less switches that cap off.
 */
@ConfigurationProperties("bellhop.http")
public class HttpLimits {
  /** File descriptors kept back for NATS, PostgreSQL, jars and logs when the cap is automatic. */
  static final int FD_RESERVE = 512;

  /**
   * How long a client has to deliver a complete request head: from accept for the first request,
   * from the end of the previous response for each keep-alive request. Also bounds how long an idle
   * keep-alive connection is kept.
   */
  Duration requestHeaderTimeout = Duration.ofSeconds(10);

  /** Open connections on this node; 0 = the open-file limit less {@link #FD_RESERVE}. */
  int maxConnections = 0;

  /** Connections of one source address (IPv4 address, IPv6 /64), authenticated or not. */
  int maxConnectionsPerAddress = 5_000;

  /** Connections on this node that have not yet carried a valid token. */
  int maxUnauthenticated = 4_000;

  /** Connections of one source address that have not yet carried a valid token. */
  int maxUnauthenticatedPerAddress = 200;

  /**
   * Source addresses or CIDR blocks exempt from the per-address and unauthenticated caps (the node
   * cap still applies): a load balancer's health checker, so it is still answered while strangers
   * fill the unauthenticated caps. Empty by default.
   */
  List<String> trustedAddresses = List.of();

  /** The node-wide cap in force: the configured one, or one derived from the open-file limit. */
  public int effectiveMaxConnections() {
    if (maxConnections > 0) {
      return maxConnections;
    }
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      if (limit > 2L * FD_RESERVE) {
        return (int) Math.min(Integer.MAX_VALUE, limit - FD_RESERVE);
      }
    }
    return 0;
  }

  public List<String> getTrustedAddresses() {
    return trustedAddresses;
  }

  public void setTrustedAddresses(List<String> trustedAddresses) {
    this.trustedAddresses = List.copyOf(trustedAddresses);
  }

  public Duration getRequestHeaderTimeout() {
    return requestHeaderTimeout;
  }

  public void setRequestHeaderTimeout(Duration requestHeaderTimeout) {
    this.requestHeaderTimeout = requestHeaderTimeout;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  public int getMaxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
    this.maxConnectionsPerAddress = maxConnectionsPerAddress;
  }

  public int getMaxUnauthenticated() {
    return maxUnauthenticated;
  }

  public void setMaxUnauthenticated(int maxUnauthenticated) {
    this.maxUnauthenticated = maxUnauthenticated;
  }

  public int getMaxUnauthenticatedPerAddress() {
    return maxUnauthenticatedPerAddress;
  }

  public void setMaxUnauthenticatedPerAddress(int maxUnauthenticatedPerAddress) {
    this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
  }
}
