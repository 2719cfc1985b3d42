package io.bellhop.events.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellhop.events.Service;
import io.bellhop.events.stream.StreamConfig;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.micronaut.context.env.Environment;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * {@code GET /v2/realtime/config}: tells a client whether to stream, over which transport, and
 * which services stay on the legacy long-polling path. Read from {@code REALTIME_STREAMING_V2}
 * (default true), {@code REALTIME_ROLLOUT_PERCENT} (default 100; an org streams when its
 * deterministic bucket, CRC32 of the orgId mod 100, is below it) and {@code <SERVICE>_REALTIME_V1}
 * (true keeps that service on the legacy path). Read on every request, so a config change takes
 * effect without restarting clients.
 */
@Controller("/v2/realtime")
@Secured(SecurityRule.IS_AUTHENTICATED)
final class RolloutController {
  private final Environment env;
  private final StreamConfig config;

  RolloutController(Environment env, StreamConfig config) {
    this.env = env;
    this.config = config;
  }

  @Get("/config")
  Rollout config(Authentication authentication) {
    Principal p = TokenVerifier.toPrincipal(authentication);
    boolean v2 = env.getProperty("realtime.streaming.v2", Boolean.class, true);
    int percent =
        Math.max(0, Math.min(100, env.getProperty("realtime.rollout.percent", Integer.class, 100)));
    int bucket = bucket(p.orgId());
    var streamed = new ArrayList<String>();
    var legacy = new ArrayList<String>();
    for (Service s : Service.values()) {
      boolean v1 = env.getProperty(s.wireName() + ".realtime.v1", Boolean.class, false);
      (v1 ? legacy : streamed).add(s.wireName());
    }
    boolean streaming = v2 && bucket < percent && !streamed.isEmpty();
    return new Rollout(
        streaming,
        streaming ? "websocket" : "none",
        streaming ? List.of("websocket", "sse", "poll") : List.of(),
        streaming ? streamed : List.of(),
        streaming ? legacy : allServices(),
        percent,
        bucket,
        config.getHeartbeat().toMillis());
  }

  /** The org's rollout bucket, 0–99: the same on every node and every day. */
  static int bucket(String orgId) {
    var crc = new CRC32();
    crc.update(orgId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % 100);
  }

  private static List<String> allServices() {
    var all = new ArrayList<String>();
    for (Service s : Service.values()) {
      all.add(s.wireName());
    }
    return all;
  }

  /**
   * @param transport the preferred transport, {@code none} when the client should stay on legacy
   * @param transports what to try, in order, when the preferred one fails
   */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Rollout(
      boolean streaming,
      String transport,
      List<String> transports,
      List<String> streamServices,
      List<String> legacyServices,
      int rolloutPercent,
      int bucket,
      long heartbeatMs) {}
}
