package io.bellhop.collaboration.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bellhop.collaboration.ChatError;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.TokenBucket;
import io.bellhop.uploads.Uploads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the chat: which of its sockets are in which rooms, and what crosses to the
 * other nodes over NATS. Every node learns of every message, typing, receipt and presence change of
 * an org it has sockets of from NATS — its own too, so local and remote go one way.
 *
 * <p>What is durable is in PostgreSQL ({@link MessageStore}); what is here is rebuilt from it and
 * from the other nodes' announcements. Each org's state is guarded by its {@link Org}'s lock, which
 * is never held while blocking: frames are queued on the sockets' bounded writers.
 *
 * <p>Per room the node keeps messages in seq order (a "lane"): one that arrives early, past a gap
 * (two nodes' commits crossing on NATS), waits up to {@code reorder-wait} for the missing ones,
 * then they are read from PostgreSQL once for every socket of the node. Each socket still checks
 * its own continuity ({@link Joined}), so whatever the lane lets through, a client never sees a
 * gap.
 */
@Singleton
final class ChatHub {
  private static final Logger LOG = LoggerFactory.getLogger(ChatHub.class);

  final String node = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  final ChatConfig config;
  final MessageStore store;

  /** Joins, catch-ups, reads, edits: whatever a socket asks of PostgreSQL besides posting. */
  final ExecutorService pool;

  /** Posting only, so a reconnect storm's catch-ups never hold up messages. */
  private final ExecutorService posting;

  final RoomWriter writer;
  final Uploads uploads;
  private final ScheduledExecutorService timers;
  private final BeanProvider<Connection> natsProvider;
  private volatile Dispatcher dispatcher;
  private final Map<String, Org> orgs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> directMembers = new ConcurrentHashMap<>();
  final Counter posted;
  final Counter refused;

  /** One org's sockets, rooms and presence on this node. */
  static final class Org {
    final String id;
    final OrgSockets sockets = new OrgSockets();
    final Map<String, RoomState> rooms = new HashMap<>();
    final Presence presence = new Presence();
    final Map<String, TokenBucket> postLimits = new HashMap<>();
    boolean beatScheduled;
    boolean announcedUsers;
    long idleSinceNanos = System.nanoTime();

    /** Completes once NATS confirmed the subscription to the org's subjects. */
    CompletableFuture<Void> subscribed = new CompletableFuture<>();

    /** Completes once the other nodes had time to answer this node's {@code sync}. */
    final CompletableFuture<Void> warm = new CompletableFuture<>();

    Org(String id) {
      this.id = id;
    }
  }

  /** One room with sockets of this node in it. */
  static final class RoomState {
    final Room room;
    long delivered = -1;
    final TreeMap<Long, ChatMessage> early = new TreeMap<>();
    boolean fillScheduled;

    /** A head PostgreSQL reported that NATS did not bring; the next fill reads up to it. */
    long fillTo;

    final Map<ChatSocket, Joined> joined = new LinkedHashMap<>();
    final Map<String, Typist> typing = new LinkedHashMap<>();
    String lastTypingFrame = "";
    long typingSentNanos;
    boolean typingFlushScheduled;

    RoomState(Room room) {
      this.room = room;
    }
  }

  record Typist(Presence.User user, long expiresNanos) {}

  ChatHub(
      ChatConfig config,
      MessageStore store,
      Uploads uploads,
      BeanProvider<Connection> nats,
      MeterRegistry registry) {
    this.config = config;
    this.uploads = uploads;
    this.store = store;
    this.natsProvider = nats;
    this.pool = threads("chat-db-", config.readerThreads);
    this.posting = threads("chat-post-", config.writerThreads);
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "chat-timers");
              t.setDaemon(true);
              return t;
            });
    this.writer =
        new RoomWriter(
            store, posting, config.maxPostBatch, config.maxQueuedPosts, this::publishPosted);
    this.posted =
        Counter.builder("bellhop_chat_messages_posted")
            .description("chat messages this node wrote to PostgreSQL")
            .register(registry);
    this.refused =
        Counter.builder("bellhop_chat_refusals")
            .description("chat frames refused with an error frame (rate, length, access...)")
            .register(registry);
    Gauge.builder("bellhop_chat_orgs", orgs, Map::size)
        .description("orgs with chat sockets on this node")
        .register(registry);
    long sweep = TimeUnit.SECONDS.toMillis(1);
    timers.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    long beat = config.presenceBeat.toMillis();
    timers.scheduleWithFixedDelay(this::beatAll, beat, beat, TimeUnit.MILLISECONDS);
  }

  private static ExecutorService threads(String prefix, int count) {
    var threads = new AtomicInteger();
    return Executors.newFixedThreadPool(
        count,
        r -> {
          Thread t = new Thread(r, prefix + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private Connection nats() {
    return natsProvider.get();
  }

  private Dispatcher dispatcher() {
    Dispatcher d = dispatcher;
    if (d == null) {
      synchronized (this) {
        if (dispatcher == null) {
          dispatcher = nats().createDispatcher(this::onBus);
        }
        d = dispatcher;
      }
    }
    return d;
  }

  // ---- sockets ----

  /**
   * The org of {@code socket}, subscribed to its subject before this returns, so nothing published
   * after it is missed. Blocks (NATS flush): call it off the event loop.
   */
  Org attach(ChatSocket socket, Principal p) {
    var created = new boolean[1];
    Org org =
        orgs.compute(
            p.orgId(),
            (id, o) -> {
              Org out = o;
              if (out == null) {
                out = open(id);
                created[0] = true;
              }
              synchronized (out) {
                out.sockets.add(socket, p);
              }
              return out;
            });
    try {
      confirmSubscription(org, created[0]);
    } catch (Exception e) {
      synchronized (org) {
        org.sockets.remove(socket);
        org.idleSinceNanos = System.nanoTime();
      }
      throw new IllegalStateException("NATS did not confirm the chat subscription", e);
    }
    synchronized (org) {
      changed(
          org,
          Collections.singletonList(
              org.presence.socket(
                  user(p, Presence.Status.ONLINE), socket.id(), Presence.Status.ONLINE)));
      scheduleBeat(org);
    }
    return org;
  }

  /**
   * Waits until NATS confirmed the org's subscription: one flush per org, by the socket that opened
   * it (a flush per socket, a thousand at once, overruns the client's outstanding pings); the
   * others wait for it, and one of them flushes again if it failed.
   */
  private void confirmSubscription(Org org, boolean created) throws Exception {
    CompletableFuture<Void> confirmed;
    boolean flushHere = created;
    synchronized (org) {
      if (!created && org.subscribed.isCompletedExceptionally()) {
        org.subscribed = new CompletableFuture<>();
        flushHere = true;
      }
      confirmed = org.subscribed;
    }
    if (flushHere) {
      try {
        nats().flush(Duration.ofSeconds(5));
        confirmed.complete(null);
      } catch (Exception e) {
        confirmed.completeExceptionally(e);
      }
    }
    confirmed.get(10, TimeUnit.SECONDS);
  }

  /** For REST: the org's presence as known once the other nodes answered. Blocks briefly. */
  Org watch(String orgId) {
    var created = new boolean[1];
    Org org =
        orgs.computeIfAbsent(
            orgId,
            id -> {
              created[0] = true;
              return open(id);
            });
    synchronized (org) {
      org.idleSinceNanos = System.nanoTime();
    }
    try {
      confirmSubscription(org, created[0]);
    } catch (Exception e) {
      LOG.warn("chat.subscribe_failed org={}", orgId, e); // answers with what is known
    }
    org.warm.orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
    return org;
  }

  private Org open(String orgId) {
    Org org = new Org(orgId);
    dispatcher().subscribe(BusCodec.orgWildcard(orgId));
    nats().publish(BusCodec.presenceSubject(orgId), BusCodec.control("sync", node));
    timers.schedule(() -> org.warm.complete(null), 250, TimeUnit.MILLISECONDS);
    return org;
  }

  void detach(ChatSocket socket, Org org, Principal p) {
    synchronized (org) {
      socket.detached = true;
      org.sockets.remove(socket);
      for (Joined j : socket.joined.values()) {
        leaveRoom(org, j);
      }
      socket.joined.clear();
      changed(
          org,
          Collections.singletonList(
              org.presence.socketClosed(
                  p.userId(), socket.id(), System.nanoTime(), config.offlineGrace.toNanos())));
      scheduleBeat(org);
      org.idleSinceNanos = System.nanoTime();
    }
  }

  /** A socket's own status ({@code presence} frame). */
  void status(Org org, ChatSocket socket, Principal p, Presence.Status status) {
    synchronized (org) {
      changed(
          org,
          Collections.singletonList(org.presence.socket(user(p, status), socket.id(), status)));
      scheduleBeat(org);
    }
  }

  static Presence.User user(Principal p, Presence.Status status) {
    return new Presence.User(
        p.userId(), p.name(), status, p.seesAllProperties() ? null : p.propertyIds());
  }

  /** Takes one of the user's posting tokens; else how long until there is one, in ms. */
  long takePostToken(Org org, String userId) {
    synchronized (org) {
      TokenBucket bucket =
          org.postLimits.computeIfAbsent(
              userId,
              u ->
                  new TokenBucket(
                      config.messagesPerSecond, config.messageBurst, System.nanoTime()));
      if (bucket.take(System.nanoTime())) {
        return 0;
      }
      return Math.max(1, TimeUnit.NANOSECONDS.toMillis(bucket.nanosUntilNext()) + 1);
    }
  }

  // ---- rooms ----

  /**
   * The room {@code roomId} if {@code p} may be in it (reads a direct room's members from
   * PostgreSQL once per node), else the refusal that does not say whether it exists.
   */
  Room resolve(Principal p, String roomId) {
    Room.Kind kind = Room.kindOf(roomId);
    if (kind == null) {
      throw Room.notYours(roomId);
    }
    Room room =
        switch (kind) {
          case ORG -> Room.org(p.orgId());
          case PROPERTY -> Room.property(p.orgId(), roomId);
          case DIRECT -> {
            String key = p.orgId() + '\n' + roomId;
            Set<String> members = directMembers.get(key);
            if (members == null) {
              members = store.directMembers(p.orgId(), roomId);
              if (members == null) {
                throw Room.notYours(roomId);
              }
              if (directMembers.size() > 100_000) {
                directMembers.clear();
              }
              directMembers.put(key, members);
            }
            yield Room.direct(p.orgId(), roomId, members);
          }
        };
    if (!room.admits(p)) {
      throw Room.notYours(roomId);
    }
    return room;
  }

  /**
   * Puts the socket in the room, catching up from {@code after} (or from the newest page when
   * null). Blocks on PostgreSQL: runs on the pool.
   */
  void join(Org org, ChatSocket socket, Room room, Long after) {
    store.joined(room, socket.principal().userId());
    Joined j;
    synchronized (org) {
      if (socket.detached) {
        return;
      }
      // Checked again under the lock: a refresh that took the room away may have run meanwhile.
      if (!room.admits(socket.principal())) {
        throw Room.notYours(room.id());
      }
      Joined before = socket.joined.get(room.id());
      if (before != null) {
        leaveRoom(org, before);
        socket.joined.remove(room.id());
      }
      if (socket.joined.size() >= config.maxRoomsPerSocket) {
        throw new ChatException(
            ChatError.TOO_MANY_ROOMS,
            "a socket may be in " + config.maxRoomsPerSocket + " rooms at once; leave one first",
            room.id());
      }
      RoomState r = org.rooms.computeIfAbsent(room.id(), id -> new RoomState(room));
      j = new Joined(socket, r);
      r.joined.put(socket, j);
      socket.joined.put(room.id(), j);
    }
    try {
      if (after == null) {
        MessageStore.Page page = store.latest(room, config.historyPage);
        synchronized (org) {
          if (j.left) {
            return;
          }
          j.lastSeq = page.lastSeq();
          if (j.room.delivered < 0) {
            j.room.delivered = page.lastSeq(); // the lane starts where the first reader stood
          }
          socket.send(ChatFrames.history(room.id(), page.messages(), page.hasMore(), null));
          socket.send(presenceOf(org, room));
          caughtUp(org, j);
        }
      } else {
        long head = store.head(room.orgId(), room.id());
        synchronized (org) {
          if (j.left) {
            return;
          }
          j.lastSeq = Math.max(0, Math.min(after, head));
          if (j.room.delivered < 0) {
            j.room.delivered = head;
          }
          socket.send(presenceOf(org, room));
        }
        catchUp(org, j, true);
      }
    } catch (RuntimeException e) {
      synchronized (org) {
        if (socket.joined.remove(room.id(), j)) {
          leaveRoom(org, j);
        }
      }
      throw e;
    }
  }

  /**
   * {@code j} read the room up to its {@code lastSeq}: sends what waited meanwhile. The node may
   * have passed messages on (for other sockets) that this socket's read did not yet see, so it goes
   * on catching up until it holds everything the node delivered.
   */
  private void caughtUp(Org org, Joined j) {
    if (j.drain() || j.lastSeq < j.room.delivered) {
      j.catchingUp = true;
      catchUp(org, j, false);
    }
  }

  void leave(Org org, ChatSocket socket, String roomId) {
    synchronized (org) {
      Joined j = socket.joined.remove(roomId);
      if (j != null) {
        leaveRoom(org, j);
      }
    }
  }

  void leaveRoom(Org org, Joined j) {
    j.left = true;
    j.buffer.clear();
    RoomState r = j.room;
    r.joined.remove(j.socket);
    if (r.joined.isEmpty()) {
      org.rooms.remove(r.room.id(), r);
    }
  }

  /**
   * Sends {@code j}'s socket the room's messages after its {@code lastSeq}, page by page, read from
   * PostgreSQL, then what waited meanwhile. With {@code announced}, the last page says {@code
   * caughtUp:true} (a join with a cursor); a catch-up after a gap sends pages only when there is
   * something in them.
   */
  void catchUp(Org org, Joined j, boolean announced) {
    pool.execute(() -> catchUpNow(org, j, announced));
  }

  private void catchUpNow(Org org, Joined j, boolean announced) {
    String roomId = j.room.room.id();
    while (true) {
      long from;
      synchronized (org) {
        if (j.left) {
          return;
        }
        from = j.lastSeq;
      }
      List<ChatMessage> page;
      try {
        page = store.after(org.id, roomId, from, config.catchUpPage);
      } catch (RuntimeException e) {
        LOG.warn("chat.catch_up_failed org={} room={}", org.id, roomId, e);
        j.socket.storeUnavailable();
        return;
      }
      boolean last = page.size() < config.catchUpPage;
      String frame =
          page.isEmpty() && !(last && announced)
              ? null
              : ChatFrames.history(roomId, page, from > 0, announced ? last : null);
      if (frame != null && !j.socket.awaitRoomFor(frame.getBytes(StandardCharsets.UTF_8).length)) {
        return;
      }
      synchronized (org) {
        if (j.left) {
          return;
        }
        if (frame != null) {
          j.socket.send(frame);
        }
        if (!page.isEmpty()) {
          j.lastSeq = page.get(page.size() - 1).seq();
        }
        if (last) {
          boolean gap = j.drain();
          if (!gap && (j.lastSeq >= j.room.delivered || page.isEmpty())) {
            return; // (an empty read below the node's mark: those were let through unread)
          }
          j.catchingUp = true;
        }
      }
    }
  }

  private String presenceOf(Org org, Room room) {
    List<Presence.User> users = new ArrayList<>();
    for (Presence.User u : org.presence.present()) {
      if (u.isIn(room)) {
        users.add(u);
      }
    }
    return ChatFrames.presence(room.id(), users, true);
  }

  /** Users of the room online or away, for REST. */
  List<Presence.User> online(Room room) {
    Org org = watch(room.orgId());
    synchronized (org) {
      List<Presence.User> users = new ArrayList<>();
      for (Presence.User u : org.presence.present()) {
        if (u.isIn(room)) {
          users.add(u);
        }
      }
      return users;
    }
  }

  // ---- publishing ----

  private void publishPosted(Room room, List<MessageStore.Posted> done) {
    List<ChatMessage> messages = new ArrayList<>(done.size());
    for (MessageStore.Posted p : done) {
      if (p.message() != null) {
        if (p.fresh()) {
          posted.increment();
        }
        messages.add(p.message());
      }
    }
    announce(room, messages, 0);
  }

  /**
   * Publishes committed messages in order. While NATS refuses (disconnected), tries again every
   * second for a minute; the messages are durable meanwhile, and nodes that get a later one read
   * them from PostgreSQL (the head check does it for a room that stays quiet).
   */
  private void announce(Room room, List<ChatMessage> messages, int attempt) {
    for (int i = 0; i < messages.size(); i++) {
      try {
        publish("message", room, messages.get(i));
      } catch (RuntimeException e) {
        List<ChatMessage> rest = List.copyOf(messages.subList(i, messages.size()));
        LOG.warn(
            "chat.publish_failed org={} room={} messages={} attempt={}",
            room.orgId(),
            room.id(),
            rest.size(),
            attempt + 1,
            e);
        if (attempt < 60) {
          timers.schedule(() -> announce(room, rest, attempt + 1), 1, TimeUnit.SECONDS);
        }
        return;
      }
    }
  }

  /**
   * Announces a message, new or changed. A direct room's members ride along, so a node without the
   * room's sockets can still tell whose it is.
   */
  void publish(String kind, Room room, ChatMessage m) {
    nats()
        .publish(
            BusCodec.roomSubject(room.orgId(), room.id()),
            BusCodec.message(kind, m, room.members()));
  }

  void publishReceipt(Room room, String userId, MessageStore.ReadMark mark) {
    nats().publish(BusCodec.roomSubject(room.orgId(), room.id()), BusCodec.receipt(mark, userId));
  }

  void publishTyping(Room room, Presence.User user, boolean typing) {
    nats()
        .publish(
            BusCodec.roomSubject(room.orgId(), room.id()),
            BusCodec.typing(room.id(), user, typing));
  }

  private void scheduleBeat(Org org) {
    if (!org.beatScheduled) {
      org.beatScheduled = true;
      timers.schedule(() -> beat(org), 50, TimeUnit.MILLISECONDS);
    }
  }

  private void beatAll() {
    for (Org org : orgs.values()) {
      beat(org);
    }
  }

  private void beat(Org org) {
    byte[] payload;
    synchronized (org) {
      org.beatScheduled = false;
      boolean any = org.presence.hasLocalUsers();
      if (!any && !org.announcedUsers) {
        return;
      }
      // One empty beat after the last user left, so other nodes drop them now, not at timeout.
      org.announcedUsers = any;
      payload = BusCodec.beat(node, org.presence.locals().values());
    }
    try {
      nats().publish(BusCodec.presenceSubject(org.id), payload);
    } catch (RuntimeException e) {
      LOG.warn("chat.beat_failed org={} bytes={}", org.id, payload.length, e);
    }
  }

  // ---- from NATS ----

  private void onBus(Message msg) {
    String rest = msg.getSubject().substring(BusCodec.PREFIX.length());
    int dot = rest.indexOf('.');
    if (dot < 0) {
      return;
    }
    Org org = orgs.get(rest.substring(0, dot));
    if (org == null) {
      return;
    }
    JsonNode n;
    try {
      n = BusCodec.parse(msg.getData());
    } catch (RuntimeException e) {
      LOG.warn("chat.bus_unreadable subject={}", msg.getSubject());
      return;
    }
    String kind = n.path("kind").asText();
    synchronized (org) {
      switch (kind) {
        case "message" -> onMessage(org, BusCodec.messageOf(n), BusCodec.members(n));
        case "changed" -> onChanged(org, BusCodec.messageOf(n));
        case "receipt" -> onReceipt(org, n);
        case "typing" -> onTyping(org, n);
        case "beat" -> {
          if (!node.equals(n.path("node").asText())) {
            changed(
                org,
                org.presence.heard(n.path("node").asText(), BusCodec.users(n), System.nanoTime()));
          }
        }
        case "sync" -> {
          if (!node.equals(n.path("node").asText())) {
            scheduleBeat(org);
          }
        }
        case "bye" -> changed(org, org.presence.gone(n.path("node").asText()));
        default -> LOG.debug("chat.bus_unknown kind={}", kind);
      }
    }
  }

  private void onMessage(Org org, ChatMessage m, Set<String> members) {
    RoomState r = org.rooms.get(m.roomId());
    if (r == null) {
      Room.Kind kind = Room.kindOf(m.roomId());
      if (kind != null) {
        Room room =
            switch (kind) {
              case ORG -> Room.org(org.id);
              case PROPERTY -> Room.property(org.id, m.roomId());
              case DIRECT -> Room.direct(org.id, m.roomId(), members);
            };
        activity(org, m, room, null);
      }
      return;
    }
    if (r.delivered < 0) {
      r.delivered = m.seq() - 1;
    }
    if (m.seq() <= r.delivered) {
      return;
    }
    if (m.seq() > r.delivered + 1) {
      r.early.put(m.seq(), m);
      if (!r.fillScheduled) {
        r.fillScheduled = true;
        timers.schedule(
            () -> pool.execute(() -> fill(org, r)),
            config.reorderWait.toMillis(),
            TimeUnit.MILLISECONDS);
      }
      return;
    }
    deliver(org, r, m);
    ChatMessage next;
    while ((next = r.early.remove(r.delivered + 1)) != null) {
      deliver(org, r, next);
    }
  }

  private void deliver(Org org, RoomState r, ChatMessage m) {
    r.delivered = m.seq();
    SharedFrame frame = new SharedFrame(ChatFrames.chat(m));
    try {
      for (Joined j : r.joined.values()) {
        if (j.offer(m, frame, config.maxCatchUpBuffer)) {
          catchUp(org, j, false);
        }
      }
    } finally {
      frame.release();
    }
    activity(org, m, r.room, r);
  }

  /** Tells the org's sockets that are not in the room, but whose user is a member, of a message. */
  private void activity(Org org, ChatMessage m, Room room, RoomState r) {
    SharedFrame frame = null;
    try {
      for (ChatSocket s : org.sockets.mayBeIn(room)) {
        if ((r == null || !r.joined.containsKey(s)) && room.admits(s.principal())) {
          if (frame == null) {
            frame = new SharedFrame(ChatFrames.activity(m));
          }
          frame.sendTo(s);
        }
      }
    } finally {
      if (frame != null) {
        frame.release();
      }
    }
  }

  /**
   * The missing messages did not come: reads them from PostgreSQL once, for every socket here, on
   * the pool (never on the timer thread, which keeps presence beating). Whatever still cannot be
   * read (PostgreSQL unreachable) is let through: each socket's own continuity check then catches
   * up or closes it for a retry.
   */
  private void fill(Org org, RoomState r) {
    while (true) {
      long from;
      long to;
      synchronized (org) {
        if (r.early.isEmpty() && r.fillTo <= r.delivered) {
          r.fillScheduled = false;
          return;
        }
        from = r.delivered;
        to = r.early.isEmpty() ? r.fillTo + 1 : r.early.firstKey();
      }
      List<ChatMessage> missing = List.of();
      try {
        missing = store.after(org.id, r.room.id(), from, (int) Math.min(1000, to - from - 1));
      } catch (RuntimeException e) {
        LOG.warn("chat.fill_failed org={} room={}", org.id, r.room.id(), e);
      }
      synchronized (org) {
        for (ChatMessage m : missing) {
          if (m.seq() == r.delivered + 1) {
            deliver(org, r, m);
          }
        }
        if (r.delivered == from) {
          // Nothing readable now: let the early ones through; the next head check tries again.
          if (!r.early.isEmpty() && r.early.firstKey() > r.delivered + 1) {
            r.delivered = r.early.firstKey() - 1;
          }
          r.fillTo = 0;
        }
        ChatMessage next;
        while ((next = r.early.remove(r.delivered + 1)) != null) {
          deliver(org, r, next);
        }
      }
    }
  }

  private void onChanged(Org org, ChatMessage m) {
    RoomState r = org.rooms.get(m.roomId());
    if (r == null) {
      return;
    }
    String frame = ChatFrames.changed(m);
    for (Joined j : r.joined.values()) {
      if (j.catchingUp || m.seq() <= j.lastSeq) {
        j.offerFrame(frame, config.maxCatchUpBuffer);
      }
    }
  }

  private void onReceipt(Org org, JsonNode n) {
    String roomId = n.path("roomId").asText();
    String userId = n.path("userId").asText();
    var mark =
        new MessageStore.ReadMark(
            roomId,
            n.path("seq").asLong(),
            BusCodec.text(n, "messageId"),
            n.path("unread").asInt());
    RoomState r = org.rooms.get(roomId);
    if (r != null) {
      String frame = ChatFrames.receipt(roomId, userId, mark.readSeq(), mark.messageId());
      for (Joined j : r.joined.values()) {
        j.offerFrame(frame, config.maxCatchUpBuffer);
      }
    }
    String unread = ChatFrames.unread(mark);
    for (ChatSocket s : org.sockets.ofUser(userId)) {
      s.send(unread);
    }
  }

  private void onTyping(Org org, JsonNode n) {
    RoomState r = org.rooms.get(n.path("roomId").asText());
    if (r == null) {
      return;
    }
    var user =
        new Presence.User(
            n.path("id").asText(), n.path("name").asText(), Presence.Status.ONLINE, null);
    if (n.path("typing").asBoolean(true)) {
      r.typing.put(user.id(), new Typist(user, System.nanoTime() + config.typingTtl.toNanos()));
    } else {
      r.typing.remove(user.id());
    }
    flushTyping(org, r);
  }

  /** Sends the room's typing list if it changed, at most every {@code typing-throttle}. */
  private void flushTyping(Org org, RoomState r) {
    long now = System.nanoTime();
    long wait = r.typingSentNanos + config.typingThrottle.toNanos() - now;
    if (wait > 0) {
      if (!r.typingFlushScheduled) {
        r.typingFlushScheduled = true;
        timers.schedule(
            () -> {
              synchronized (org) {
                r.typingFlushScheduled = false;
                flushTyping(org, r);
              }
            },
            wait,
            TimeUnit.NANOSECONDS);
      }
      return;
    }
    long nextExpiry = Long.MAX_VALUE;
    List<Presence.User> users = new ArrayList<>();
    for (var it = r.typing.values().iterator(); it.hasNext(); ) {
      Typist t = it.next();
      if (t.expiresNanos() - now <= 0) {
        it.remove();
      } else {
        users.add(t.user());
        nextExpiry = Math.min(nextExpiry, t.expiresNanos());
      }
    }
    String frame = ChatFrames.typing(r.room.id(), users);
    if (!frame.equals(r.lastTypingFrame)) {
      r.lastTypingFrame = frame;
      r.typingSentNanos = now;
      for (Joined j : r.joined.values()) {
        j.offerFrame(frame, config.maxCatchUpBuffer);
      }
    }
    if (nextExpiry != Long.MAX_VALUE && !r.typingFlushScheduled) {
      r.typingFlushScheduled = true;
      timers.schedule(
          () -> {
            synchronized (org) {
              r.typingFlushScheduled = false;
              flushTyping(org, r);
            }
          },
          nextExpiry - now + 1,
          TimeUnit.NANOSECONDS);
    }
  }

  /** Tells every room of the org with sockets here about users whose status changed. */
  private void changed(Org org, Iterable<Presence.User> users) {
    Map<RoomState, List<Presence.User>> byRoom = new LinkedHashMap<>();
    for (Presence.User u : users) {
      if (u == null) {
        continue;
      }
      for (RoomState r : org.rooms.values()) {
        if (u.isIn(r.room)) {
          byRoom.computeIfAbsent(r, k -> new ArrayList<>()).add(u);
        }
      }
    }
    for (var e : byRoom.entrySet()) {
      String frame = ChatFrames.presence(e.getKey().room.id(), e.getValue(), false);
      for (Joined j : e.getKey().joined.values()) {
        j.offerFrame(frame, config.maxCatchUpBuffer);
      }
    }
  }

  // ---- housekeeping ----

  /** Every fifth sweep (5 s), rooms with sockets here are checked against PostgreSQL's heads. */
  private static final int HEAD_CHECK_SWEEPS = 5;

  private long sweeps;

  /**
   * Catches a node's rooms up with what PostgreSQL holds: a message whose announcement was lost
   * (NATS dropped it, its node died before publishing) and that no later message revealed.
   */
  private void checkHeads(Org org) {
    Map<String, RoomState> rooms;
    synchronized (org) {
      rooms = new HashMap<>(org.rooms);
    }
    if (rooms.isEmpty()) {
      return;
    }
    Map<String, Long> heads;
    try {
      heads = store.heads(org.id, rooms.keySet());
    } catch (RuntimeException e) {
      LOG.warn("chat.head_check_failed org={}", org.id, e);
      return;
    }
    for (var e : heads.entrySet()) {
      RoomState r = rooms.get(e.getKey());
      boolean behind;
      synchronized (org) {
        behind =
            r.delivered >= 0
                && e.getValue() > r.delivered
                && r.early.isEmpty()
                && !r.fillScheduled
                && org.rooms.get(r.room.id()) == r;
        if (behind) {
          r.fillScheduled = true;
          r.fillTo = e.getValue();
        }
      }
      if (behind) {
        fill(org, r);
      }
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    boolean checkHeads = ++sweeps % HEAD_CHECK_SWEEPS == 0;
    for (Org org : orgs.values()) {
      synchronized (org) {
        List<Presence.User> gone = new ArrayList<>();
        org.presence.expire(now, config.nodeTimeout.toNanos()).forEach(gone::add);
        if (!gone.isEmpty()) {
          changed(org, gone);
          scheduleBeat(org);
        }
      }
      if (checkHeads) {
        pool.execute(() -> checkHeads(org));
      }
      orgs.computeIfPresent(
          org.id,
          (id, o) -> {
            synchronized (o) {
              boolean idle =
                  o.sockets.isEmpty()
                      && !o.presence.hasLocalUsers()
                      && now - o.idleSinceNanos > TimeUnit.SECONDS.toNanos(60);
              if (!idle) {
                return o;
              }
            }
            dispatcher().unsubscribe(BusCodec.orgWildcard(id));
            return null;
          });
    }
  }

  @PreDestroy
  void close() {
    timers.shutdownNow();
    try {
      for (Org org : orgs.values()) {
        nats().publish(BusCodec.presenceSubject(org.id), BusCodec.control("bye", node));
      }
    } catch (RuntimeException e) {
      LOG.debug("chat.bye_failed", e);
    }
    pool.shutdown();
  }
}
