package io.bellhop.collaboration.chat;

import io.bellhop.collaboration.ChatError;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.bellhop.platform.WireErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's REST side (docs/collaboration.md, "REST"): the caller's rooms, opening a direct room,
 * who is online, counts, and message pages. A room the caller may not be in is 403 {@code
 * FORBIDDEN}, the same whether or not it exists.
 */
@Controller("/v2/collaboration/rooms")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
final class RoomsController {
  private static final Logger LOG = LoggerFactory.getLogger(RoomsController.class);
  private final ChatHub hub;
  private final ChatConfig config;

  RoomsController(ChatHub hub, ChatConfig config) {
    this.hub = hub;
    this.config = config;
  }

  @Get(produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> rooms(Authentication auth) {
    return answer(
        auth,
        p -> {
          List<MessageStore.Summary> rooms = hub.store.rooms(p);
          return ChatFrames.object(g -> ChatFrames.summaries(g, rooms));
        });
  }

  @Post(
      value = "/direct",
      consumes = MediaType.APPLICATION_JSON,
      produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> direct(Authentication auth, @Body Map<String, Object> body) {
    return answer(
        auth,
        p -> {
          Object other = body.get("userId");
          if (!(other instanceof String userId) || !Ids.isValid(userId)) {
            throw ClientFrame.bad("\"userId\" must be a user id matching " + Ids.GRAMMAR, null);
          }
          if (userId.equals(p.userId())) {
            throw ClientFrame.bad("a direct room is between two different users", null);
          }
          Room room =
              Room.direct(
                  p.orgId(),
                  Room.directId(p.orgId(), p.userId(), userId),
                  Set.of(p.userId(), userId));
          hub.store.openDirect(room);
          return ChatFrames.object(g -> g.writeStringField("roomId", room.id()));
        });
  }

  @Get(value = "/{roomId}/online", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> online(Authentication auth, String roomId) {
    return answer(
        auth,
        p -> {
          Room room = hub.resolve(p, roomId);
          List<Presence.User> users = hub.online(room);
          return ChatFrames.object(
              g -> {
                g.writeStringField("roomId", room.id());
                ChatFrames.users(g, users, true, false);
              });
        });
  }

  @Get(value = "/{roomId}/stats", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> stats(Authentication auth, String roomId) {
    return answer(
        auth,
        p -> {
          Room room = hub.resolve(p, roomId);
          MessageStore.Stats stats = hub.store.stats(room);
          int online = hub.online(room).size();
          return ChatFrames.object(
              g -> {
                g.writeStringField("roomId", room.id());
                g.writeNumberField("members", stats.members());
                g.writeNumberField("online", online);
                g.writeNumberField("messagesToday", stats.messagesToday());
                g.writeNumberField("lastSeq", stats.lastSeq());
              });
        });
  }

  @Get(value = "/{roomId}/messages", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> messages(
      Authentication auth,
      String roomId,
      @Nullable @QueryValue String before,
      @Nullable @QueryValue String after,
      @Nullable @QueryValue String limit) {
    return answer(
        auth,
        p -> {
          Room room = hub.resolve(p, roomId);
          Long beforeSeq = seq("before", before);
          Long afterSeq = seq("after", after);
          Long size = seq("limit", limit);
          if (beforeSeq != null && afterSeq != null) {
            throw ClientFrame.bad("ask for \"before\" or \"after\", not both", roomId);
          }
          int n = config.pageSize(size);
          List<ChatMessage> messages;
          boolean hasMore;
          if (afterSeq != null) {
            messages = hub.store.after(room.orgId(), room.id(), afterSeq, n + 1);
            hasMore = messages.size() > n;
            messages = messages.subList(0, Math.min(n, messages.size()));
          } else {
            MessageStore.Page page =
                beforeSeq == null
                    ? hub.store.latest(room, n)
                    : hub.store.before(room, beforeSeq, n);
            messages = page.messages();
            hasMore = page.hasMore();
          }
          List<ChatMessage> out = messages;
          return ChatFrames.object(
              g -> {
                ChatFrames.messages(g, "messages", out);
                g.writeBooleanField("hasMore", hasMore);
              });
        });
  }

  private static Long seq(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      long v = Long.parseLong(value);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ClientFrame.bad("\"" + name + "\" must be an integer >= 0", null);
  }

  private HttpResponse<?> answer(Authentication auth, Function<Principal, String> body) {
    Principal p = TokenVerifier.toPrincipal(auth);
    if (!p.maySubscribe() || p.userId() == null || p.userId().isEmpty()) {
      return error(ErrorCode.FORBIDDEN, "chat needs a user's token");
    }
    try {
      return HttpResponse.ok(body.apply(p)).contentType(MediaType.APPLICATION_JSON_TYPE);
    } catch (ChatException e) {
      return error(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("chat.rest_failed org={} user={}", p.orgId(), p.userId(), e);
      return error(ChatError.CHAT_UNAVAILABLE, "the chat store could not be reached; retry");
    }
  }

  private static HttpResponse<?> error(WireErrorCode code, String message) {
    int status =
        code == ErrorCode.FORBIDDEN
            ? 403
            : code == ChatError.CHAT_UNAVAILABLE ? 503 : code == ErrorCode.INTERNAL ? 500 : 400;
    return HttpResponse.status(io.micronaut.http.HttpStatus.valueOf(status))
        .body(ErrorBody.of(code, message));
  }
}
