package io.bellhop.bench;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dials members to their node: the node URLs (ws://127.0.0.1:port, loopback only), the dialect, the
 * loopback source addresses taken in turn, and for Bellhop a locally minted HS256 token per member:
 * {@code sub} = the user id, {@code orgId} = the run's org, role {@code staff}, and the property
 * ids of its {@code property-<id>} rooms.
 */
final class ChatConnector {
  private final ChatDialect dialect;
  private final List<String> nodes;
  private final List<InetSocketAddress> remotes = new ArrayList<>();
  private final InetAddress[] sources;
  private final WsClient client;
  private final Jwt jwt = Jwt.fromEnv();
  private final String orgId;

  ChatConnector(
      ChatDialect dialect, List<String> nodes, String orgId, int sources, EventLoopGroup group) {
    this.dialect = dialect;
    this.nodes = List.copyOf(nodes);
    this.orgId = orgId;
    this.sources = Loopback.sources(sources);
    for (String n : nodes) {
      remotes.add(Loopback.require(URI.create(n)));
    }
    this.client = new WsClient(group, false, 15_000);
  }

  static List<String> nodes(Args a) {
    List<String> out = new ArrayList<>();
    for (String s : a.str("urls", a.str("url", "ws://127.0.0.1:8080")).split(",", -1)) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  int nodeCount() {
    return nodes.size();
  }

  ChatDialect dialect() {
    return dialect;
  }

  /** Opens (or re-opens, resuming when {@code m.resume}) the member's socket on its node. */
  ChannelFuture connect(ChatMember m, ChatMember.Listener listener) {
    String handshake = dialect.handshake(token(m), m, m.resume);
    URI uri = dialect.uri(nodes.get(m.node), m);
    ChannelFuture f =
        client.connect(
            uri,
            remotes.get(m.node),
            sources[m.index % sources.length],
            () -> new ChatSocket(m, dialect, handshake, listener));
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            Throwable t = done.cause();
            String why = t == null || t.getMessage() == null ? "cancelled" : t.getMessage();
            listener.failed(m, "connect: " + why.split(":", -1)[0]);
          }
        });
    return f;
  }

  private String token(ChatMember m) {
    if (dialect != ChatDialect.BELLHOP) {
      return null;
    }
    List<String> properties = new ArrayList<>();
    for (String r : m.roomIds()) {
      if (r.startsWith("property-")) {
        properties.add(r.substring("property-".length()));
      }
    }
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", m.userId);
    claims.put("orgId", orgId);
    claims.put("name", "Bench " + m.userId);
    claims.put("roles", List.of("staff"));
    if (!properties.isEmpty()) {
      claims.put("propertyIds", properties);
    }
    claims.put("iat", now);
    claims.put("exp", now + 24 * 3600);
    return jwt.mintClaims(claims);
  }
}
