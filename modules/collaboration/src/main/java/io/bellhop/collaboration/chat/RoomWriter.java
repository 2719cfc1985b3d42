package io.bellhop.collaboration.chat;

import io.bellhop.collaboration.ChatError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts messages to PostgreSQL, batched per room.
 *
 * <p><b>The invariant.</b> Per room, this node has at most one transaction in flight and at most
 * {@code max-queued-posts} posts waiting behind it; a post beyond that is refused ({@code
 * RATE_LIMITED}), never queued without bound. The waiting posts go together into the next
 * transaction (up to {@code max-post-batch}), so a busy room costs one commit per batch, not per
 * message, and its posts keep the order in which they arrived here. Posts to different rooms run in
 * parallel on the writer pool.
 *
 * <p>After each commit the fresh messages (and retried ones, again: a node that died between its
 * commit and its publish left them unannounced) go to {@code published}, in seq order, before any
 * poster is answered.
 */
final class RoomWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RoomWriter.class);

  private record Pending(Post post, CompletableFuture<MessageStore.Posted> answer) {}

  private static final class Lane {
    final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    boolean writing;

    /** Removed from the map: a poster that finds it retired takes a fresh lane. */
    boolean retired;
  }

  private final MessageStore store;
  private final Executor pool;
  private final int maxBatch;
  private final int maxQueued;
  private final BiConsumer<Room, List<MessageStore.Posted>> published;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  RoomWriter(
      MessageStore store,
      Executor pool,
      int maxBatch,
      int maxQueued,
      BiConsumer<Room, List<MessageStore.Posted>> published) {
    this.store = store;
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.published = published;
  }

  /** Queues a post; completes with its message once durable, or fails with a ChatException. */
  CompletableFuture<MessageStore.Posted> post(Room room, Post post) {
    var answer = new CompletableFuture<MessageStore.Posted>();
    String key = room.orgId() + '\n' + room.id();
    boolean start;
    Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
    synchronized (lane) {
      if (lane.retired) {
        return post(room, post);
      }
      if (lane.waiting.size() >= maxQueued) {
        answer.completeExceptionally(
            new ChatException(
                ChatError.RATE_LIMITED,
                "the room has too many messages waiting to be written; re-send shortly",
                room.id(),
                250));
        return answer;
      }
      lane.waiting.add(new Pending(post, answer));
      start = !lane.writing;
      lane.writing = true;
    }
    if (start) {
      Lane started = lane;
      pool.execute(() -> write(room, key, started));
    }
    return answer;
  }

  private void write(Room room, String key, Lane lane) {
    List<Pending> batch = new ArrayList<>();
    synchronized (lane) {
      while (batch.size() < maxBatch && !lane.waiting.isEmpty()) {
        batch.add(lane.waiting.poll());
      }
    }
    List<MessageStore.Posted> done = null;
    RuntimeException failure = null;
    try {
      done = store.post(room, batch.stream().map(Pending::post).toList());
    } catch (RuntimeException e) {
      failure = e;
    }
    if (done != null) {
      try {
        published.accept(room, done);
      } catch (RuntimeException e) {
        // Durable all the same: other nodes read it from PostgreSQL at their next gap.
        LOG.warn("chat.publish_failed org={} room={}", room.orgId(), room.id(), e);
      }
      for (int i = 0; i < batch.size(); i++) {
        MessageStore.Posted p = done.get(i);
        if (p.refusal() != null) {
          batch.get(i).answer().completeExceptionally(p.refusal());
        } else {
          batch.get(i).answer().complete(p);
        }
      }
    } else {
      var refusal =
          new ChatException(
              ChatError.CHAT_UNAVAILABLE,
              "the chat store could not be reached; the message was not posted, retry",
              room.id());
      LOG.warn(
          "chat.post_failed org={} room={} messages={}",
          room.orgId(),
          room.id(),
          batch.size(),
          failure);
      batch.forEach(p -> p.answer().completeExceptionally(refusal));
    }
    boolean more;
    synchronized (lane) {
      more = !lane.waiting.isEmpty();
      lane.writing = more;
      if (!more) {
        lane.retired = true;
        lanes.remove(key, lane);
      }
    }
    if (more) {
      pool.execute(() -> write(room, key, lane));
    }
  }
}
