package io.bellhop.platform;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import jakarta.inject.Singleton;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of TCP connections to the HTTP server, before any HTTP is parsed: the cheapest place to
 * say no. Every accepted connection counts against the node, its source address, and — until it
 * carries a valid token ({@link #authenticated}) — the lower caps on unauthenticated connections; a
 * connection over any cap is closed at once, with no answer. Each connection also gets a deadline
 * for its request head ({@link RequestHeadDeadline}), so a client that never finishes one holds a
 * descriptor for a bounded time. Counts are released exactly once, when the channel closes.
 *
 * <p>Addresses are keyed by IPv4 address or IPv6 /64 (one subscriber's usual allocation). The caps
 * assume the node sees client addresses (a TCP load balancer); behind an HTTP proxy every client
 * shares the proxy's address, so raise or switch off the per-address caps there.
 */
@Singleton
public final class ConnectionGuard
    implements NettyServerCustomizer, BeanCreatedEventListener<NettyServerCustomizer.Registry> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final AttributeKey<Admitted> ADMITTED = AttributeKey.valueOf("bellhop.admitted");

  /** Why a connection was closed at accept; the tag of the refusal counter. */
  public enum Refusal {
    NODE("node"),
    ADDRESS("address"),
    UNAUTHENTICATED_NODE("unauthenticated-node"),
    UNAUTHENTICATED_ADDRESS("unauthenticated-address");

    private final String tag;

    Refusal(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private final HttpLimits limits;
  private final int maxConnections;
  private final List<AddressRange> trusted;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger unauthenticated = new AtomicInteger();

  /** Per address: {open, unauthenticated}; arrays change only inside the map's compute calls. */
  private final Map<Object, int[]> byAddress = new ConcurrentHashMap<>();

  private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
  private final LongAdder firstHeadTimeouts = new LongAdder();
  private final LongAdder keepAliveTimeouts = new LongAdder();

  public ConnectionGuard(HttpLimits limits) {
    this.limits = limits;
    this.maxConnections = limits.effectiveMaxConnections();
    this.trusted = limits.trustedAddresses.stream().map(AddressRange::parse).toList();
    for (Refusal r : Refusal.values()) {
      refused.put(r, new LongAdder());
    }
    LOG.info(
        "connection caps: {} per node, {} per address; unauthenticated {} per node, {} per"
            + " address; request head within {}",
        maxConnections,
        limits.maxConnectionsPerAddress,
        limits.maxUnauthenticated,
        limits.maxUnauthenticatedPerAddress,
        limits.requestHeaderTimeout);
  }

  @Override
  public NettyServerCustomizer.Registry onCreated(
      BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
    event.getBean().register(this);
    return event.getBean();
  }

  @Override
  public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
    if (role != ChannelRole.CONNECTION) {
      return this;
    }
    Refusal refusal = admit(channel);
    if (refusal != null) {
      refused.get(refusal).increment();
      LOG.debug("closed at accept ({}): {}", refusal.tag, channel.remoteAddress());
      channel.close();
      return this;
    }
    return new NettyServerCustomizer() {
      @Override
      public void onInitialPipelineBuilt() {
        ChannelPipeline p = channel.pipeline();
        if (p.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null) {
          p.addAfter(
              ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC,
              "bellhop-request-head-deadline",
              new RequestHeadDeadline(
                  limits.requestHeaderTimeout.toNanos(), ConnectionGuard.this::headTimedOut));
        }
      }
    };
  }

  /**
   * The connection has carried a valid token (a stream handshake, or an authenticated request): it
   * no longer counts against the unauthenticated caps. Idempotent; unknown channels are ignored.
   */
  public void authenticated(Channel channel) {
    Admitted a = channel.attr(ADMITTED).get();
    if (a != null && a.state.compareAndSet(Admitted.UNAUTHENTICATED, Admitted.AUTHENTICATED)) {
      unauthenticated.decrementAndGet();
      byAddress.computeIfPresent(
          a.address,
          (k, c) -> {
            c[1]--;
            return c;
          });
    }
  }

  /** Connections closed at accept for {@code refusal} since start. */
  public long refused(Refusal refusal) {
    return refused.get(refusal).sum();
  }

  /**
   * Connections closed because a request head did not arrive in time: on a fresh connection
   * (slowloris) or, {@code keepAlive}, after a response (an idle keep-alive connection).
   */
  public long headTimeouts(boolean keepAlive) {
    return (keepAlive ? keepAliveTimeouts : firstHeadTimeouts).sum();
  }

  public int openConnections() {
    return open.get();
  }

  public int unauthenticatedConnections() {
    return unauthenticated.get();
  }

  private void headTimedOut(boolean keepAlive) {
    (keepAlive ? keepAliveTimeouts : firstHeadTimeouts).increment();
  }

  /** Counts the connection in, or returns why not (then nothing is counted). */
  private Refusal admit(Channel channel) {
    int n = open.incrementAndGet();
    if (maxConnections > 0 && n > maxConnections) {
      open.decrementAndGet();
      return Refusal.NODE;
    }
    if (isTrusted(channel.remoteAddress())) {
      Admitted a = new Admitted(null);
      a.state.set(Admitted.AUTHENTICATED);
      channel.attr(ADMITTED).set(a);
      channel.closeFuture().addListener(f -> release(a));
      return null;
    }
    int u = unauthenticated.incrementAndGet();
    if (limits.maxUnauthenticated > 0 && u > limits.maxUnauthenticated) {
      unauthenticated.decrementAndGet();
      open.decrementAndGet();
      return Refusal.UNAUTHENTICATED_NODE;
    }
    Object address = addressKey(channel.remoteAddress());
    Refusal[] refusal = {null};
    byAddress.compute(
        address,
        (k, c) -> {
          int[] counts = c == null ? new int[2] : c;
          if (limits.maxConnectionsPerAddress > 0 && counts[0] >= limits.maxConnectionsPerAddress) {
            refusal[0] = Refusal.ADDRESS;
          } else if (limits.maxUnauthenticatedPerAddress > 0
              && counts[1] >= limits.maxUnauthenticatedPerAddress) {
            refusal[0] = Refusal.UNAUTHENTICATED_ADDRESS;
          } else {
            counts[0]++;
            counts[1]++;
          }
          return counts[0] == 0 ? null : counts;
        });
    if (refusal[0] != null) {
      unauthenticated.decrementAndGet();
      open.decrementAndGet();
      return refusal[0];
    }
    Admitted a = new Admitted(address);
    channel.attr(ADMITTED).set(a);
    channel.closeFuture().addListener(f -> release(a));
    return null;
  }

  private void release(Admitted a) {
    int was = a.state.getAndSet(Admitted.RELEASED);
    if (was == Admitted.RELEASED) {
      return;
    }
    boolean wasUnauthenticated = was == Admitted.UNAUTHENTICATED;
    open.decrementAndGet();
    if (wasUnauthenticated) {
      unauthenticated.decrementAndGet();
    }
    if (a.address == null) {
      return; // trusted: never counted per address
    }
    byAddress.computeIfPresent(
        a.address,
        (k, c) -> {
          c[0]--;
          if (wasUnauthenticated) {
            c[1]--;
          }
          return c[0] <= 0 ? null : c;
        });
  }

  private boolean isTrusted(SocketAddress remote) {
    if (trusted.isEmpty() || !(remote instanceof InetSocketAddress inet)) {
      return false;
    }
    InetAddress address = inet.getAddress();
    return address != null && trusted.stream().anyMatch(r -> r.contains(address));
  }

  /** IPv4: the address; IPv6: its /64 prefix; anything else (unix sockets): one shared key. */
  static Object addressKey(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      if (inet.getAddress() instanceof Inet6Address v6) {
        return HexFormat.of().formatHex(Arrays.copyOf(v6.getAddress(), 8)) + "::/64";
      }
      return inet.getAddress();
    }
    return "local";
  }

  /**
   * One admitted connection: which address it counts against ({@code null}: a trusted address,
   * counted against the node only), and whether it has a token yet.
   */
  private static final class Admitted {
    static final int UNAUTHENTICATED = 0;
    static final int AUTHENTICATED = 1;
    static final int RELEASED = 2;

    final Object address;
    final AtomicInteger state = new AtomicInteger(UNAUTHENTICATED);

    Admitted(Object address) {
      this.address = address;
    }
  }
}
