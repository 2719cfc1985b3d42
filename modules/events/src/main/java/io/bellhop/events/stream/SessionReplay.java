package io.bellhop.events.stream;

import io.bellhop.events.replay.ReplayPages;
import java.util.List;

/**
 * Replays a resuming session's missed events on a replay thread: page by page from the log (pages
 * and their frames shared with the sessions replaying the same range, see {@link ReplayPages}),
 * frame by frame to the socket, waiting for the client to take each frame (back-pressure, never a
 * cut for a slow replay), then hands over to live delivery. If the live batches held meanwhile
 * overflowed, it simply replays again from where it got to — the log still has everything.
 */
final class SessionReplay {
  private SessionReplay() {}

  static void run(StreamSession session, ReplayPages pages, StreamMetrics metrics) {
    long from;
    while ((from = session.replayFrom()) >= 0) {
      // Events after the head come through the fan-out; the replay stops as soon as it knows it
      // has everything up to there, usually without an extra read that comes back empty.
      long head = session.replayHead();
      long headReadAt = session.headReadAt();
      while (from < head) {
        ReplayPages.Page page = pages.after(session.orgId(), from);
        if (page.events().isEmpty()) {
          break;
        }
        if (!sendPage(session, metrics, page)) {
          return;
        }
        from = page.throughSeq();
        if (page.reachesHeadOf(headReadAt)) {
          break;
        }
      }
      if (session.finishReplay()) {
        return;
      }
    }
  }

  private static boolean sendPage(
      StreamSession session, StreamMetrics metrics, ReplayPages.Page page) {
    List<ReplayPages.Frame> frames = page.framesFor(session.filter(), session.compressed());
    int sent = 0;
    for (ReplayPages.Frame f : frames) {
      if (!session.socket().awaitRoomFor(f.size())) {
        return false;
      }
      if (!session.sendReplayed(f.buf(), f.events(), f.lastSeq())) {
        return false;
      }
      sent += f.events();
    }
    session.replayedThrough(page.throughSeq(), sent);
    metrics.replayed(sent);
    return true;
  }
}
