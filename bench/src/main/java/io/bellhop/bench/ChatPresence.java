package io.bellhop.bench;

import io.netty.channel.EventLoopGroup;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Mode {@code chat-presence} (Bellhop only; the peer has no presence): N members in the org room,
 * one socket each, spread over the nodes; once every member on the surviving nodes sees every
 * member of the node to kill {@code online}, SIGKILLs that node's process (the PID the script
 * gives, a process it started) and times, for each surviving member, until its {@code presence}
 * frames have marked every killed user {@code offline}. Survivors reported offline meanwhile are
 * counted as false offlines.
 */
final class ChatPresence implements ChatMember.Listener {
  private static final Set<String> ONLINE = Set.of("online", "away");

  private final Args args;
  private final Set<String> killedUsers = new HashSet<>();
  private final Set<String> survivorUsers = new HashSet<>();
  private final Map<Integer, Set<String>> offlineSeen = new ConcurrentHashMap<>();
  private final Map<Integer, Long> convergedAt = new ConcurrentHashMap<>();
  private final AtomicInteger falseOffline = new AtomicInteger();
  private volatile long killedAtNanos;

  private ChatPresence(Args a) {
    this.args = a;
  }

  static int run(Args a) throws Exception {
    return new ChatPresence(a).execute();
  }

  private int execute() throws Exception {
    List<String> nodes = ChatConnector.nodes(args);
    int killNode = args.integer("kill-node", nodes.size() - 1);
    long killPid = args.longValue("kill-pid", -1);
    if (nodes.size() < 2 || killPid <= 0) {
      throw new IllegalArgumentException("chat-presence needs --urls A,B and --kill-pid PID");
    }
    String org = args.str("org", "presence-" + Long.toString(System.currentTimeMillis(), 36));
    int n = args.integer("members", 200);
    EventLoopGroup group = Transport.group(args.integer("threads", 2));
    ChatConnector connector = new ChatConnector(ChatDialect.BELLHOP, nodes, org, 4, group);
    ChatCrowd crowd = new ChatCrowd(connector, group, this, args.integer("retries", 3));
    for (int i = 0; i < n; i++) {
      ChatMember m = new ChatMember(i, "u" + i, i % nodes.size(), List.of("org"));
      crowd.members.add(m);
      (m.node == killNode ? killedUsers : survivorUsers).add(m.userId);
    }
    List<ChatMember> survivors = crowd.members.stream().filter(m -> m.node != killNode).toList();
    double connectSeconds = crowd.connectAll(args.dbl("connect-rate", 500), 200, 120);
    System.out.printf(
        "READY ready=%d failed=%d in %.1fs%n",
        crowd.ready.get(), crowd.failed.get(), connectSeconds);

    long upStart = System.nanoTime();
    double upWait = args.dbl("up-wait", 30);
    while (!allSeeOnline(survivors) && (System.nanoTime() - upStart) / 1e9 < upWait) {
      Thread.sleep(20);
    }
    boolean upConverged = allSeeOnline(survivors);
    double upSeconds = (System.nanoTime() - upStart) / 1e9;
    System.out.printf(
        "online everywhere: %s after %.1fs; killing pid %d%n", upConverged, upSeconds, killPid);

    ProcessHandle target =
        ProcessHandle.of(killPid)
            .orElseThrow(() -> new IllegalStateException("no process " + killPid));
    killedAtNanos = System.nanoTime();
    target.destroyForcibly(); // SIGKILL on Linux
    double downWait = args.dbl("down-wait", 60);
    while (convergedAt.size() < survivors.size()
        && (System.nanoTime() - killedAtNanos) / 1e9 < downWait) {
      Thread.sleep(10);
    }
    crowd.closeAll();

    Histogram h = new Histogram(1, LoadStats.MAX_MICROS, 3);
    convergedAt.values().forEach(t -> h.recordValue(Math.max(1, (t - killedAtNanos) / 1000)));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", "chat-presence");
    r.put("nodes", nodes);
    r.put("org", org);
    r.put("killedNode", killNode);
    r.put("killedPid", killPid);
    crowd.putCounts(r);
    r.put("killedUsers", killedUsers.size());
    r.put("survivors", survivors.size());
    r.put("onlineEverywhereBeforeKill", upConverged);
    r.put("onlineConvergenceSec", upSeconds);
    r.put("survivorsConverged", convergedAt.size());
    r.put("falseOffline", falseOffline.get());
    boolean all = convergedAt.size() == survivors.size();
    r.put("allConverged", all);
    r.put("convergedAllMs", all ? h.getMaxValue() / 1000.0 : null);
    r.put("memberP50Ms", LoadStats.ms(h, 50));
    r.put("memberP99Ms", LoadStats.ms(h, 99));
    r.put("firstMemberMs", h.getTotalCount() == 0 ? null : h.getMinValue() / 1000.0);
    File out = new File(args.str("out", "chat-presence.json"));
    Json.write(out, r);
    System.out.printf(
        "RESULT presence: %d of %d survivors saw all %d killed users offline; all after %s ms"
            + " (member p50 %.0f ms), false offline %d -> %s%n",
        convergedAt.size(),
        survivors.size(),
        killedUsers.size(),
        r.get("convergedAllMs"),
        LoadStats.ms(h, 50),
        falseOffline.get(),
        out);
    return all ? 0 : 1;
  }

  private boolean allSeeOnline(List<ChatMember> survivors) {
    for (ChatMember s : survivors) {
      if (!s.open) {
        return false;
      }
      for (String u : killedUsers) {
        if (!ONLINE.contains(s.presence.getOrDefault(u, "offline"))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public void delivered(ChatMember m, ChatFrame.Message msg, boolean first, long nowMicros) {}

  @Override
  public void frame(ChatMember m, ChatFrame f) {
    if (killedAtNanos == 0 || !"presence".equals(f.type) || killedUsers.contains(m.userId)) {
      return;
    }
    long now = System.nanoTime();
    List<String> newlyOffline = new ArrayList<>();
    for (ChatFrame.User u : f.users) {
      boolean offline = !ONLINE.contains(u.status() == null ? "online" : u.status());
      if (offline && killedUsers.contains(u.id())) {
        newlyOffline.add(u.id());
      } else if (offline && survivorUsers.contains(u.id())) {
        falseOffline.incrementAndGet();
      }
    }
    if (f.full) {
      // A full list names who is online: every killed user it leaves out is offline.
      for (String u : killedUsers) {
        if (!ONLINE.contains(m.presence.getOrDefault(u, "offline"))) {
          newlyOffline.add(u);
        }
      }
    }
    Set<String> seen = offlineSeen.computeIfAbsent(m.index, x -> ConcurrentHashMap.newKeySet());
    seen.addAll(newlyOffline);
    if (seen.size() == killedUsers.size()) {
      convergedAt.putIfAbsent(m.index, now);
    }
  }
}
