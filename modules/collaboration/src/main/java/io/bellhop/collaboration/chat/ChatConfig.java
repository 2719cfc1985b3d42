package io.bellhop.collaboration.chat;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code bellhop.collaboration.*}: the chat's limits and timings (docs/collaboration.md,
 * "Operations").
 */
@ConfigurationProperties("bellhop.collaboration")
class ChatConfig {
  /** How long a new socket may take to send its handshake (4408). */
  Duration handshakeTimeout = Duration.ofSeconds(10);

  /** How long a closing client gets to read its close frame. */
  Duration closeGrace = Duration.ofSeconds(5);

  /** How long past the token's {@code exp} a socket may run without a refresh. */
  Duration expiryGrace = Duration.ofSeconds(30);

  /** The largest client frame: a 4,000-character message in JSON escapes fits. */
  int maxFrameBytes = 32 * 1024;

  /**
   * Bytes queued towards one client before it is cut as a slow consumer (4509): about 3,000
   * messages, which it fetches again in a moment with its cursor. Lower than the event stream's (4
   * MiB) because a busy room sends to every member at once: 500 sockets of one node behind by this
   * much hold 500 MiB.
   */
  long maxQueuedBytes = 1024L * 1024;

  /** Client frames of any kind per second, sustained (4430 past it). */
  int framesPerSecond = 100;

  /** Client frames at once before {@code framesPerSecond} applies. */
  int frameBurst = 200;

  /**
   * Messages one user may post per second on this node, sustained ({@code RATE_LIMITED} past it).
   */
  int messagesPerSecond = 10;

  /** Messages one user may post at once before {@code messagesPerSecond} applies. */
  int messageBurst = 20;

  /** The longest message text, in characters. */
  int maxTextLength = 4000;

  /** Rooms one socket may have joined at once. */
  int maxRoomsPerSocket = 50;

  /** Messages in the {@code history} answering a join without a cursor, and the default page. */
  int historyPage = 50;

  /** The page a client gets for the {@code limit} it asked (none: the default), within bounds. */
  int pageSize(Long asked) {
    return (int) Math.min(maxHistoryPage, asked == null ? historyPage : Math.max(1, asked));
  }

  /** The largest page a client may ask for. */
  int maxHistoryPage = 100;

  /** Messages per {@code history} frame of a catch-up (a join with {@code after}). */
  int catchUpPage = 200;

  /** Live messages a catching-up socket may hold before it is cut as a slow consumer. */
  int maxCatchUpBuffer = 20000;

  /** How long a {@code typing} keeps the user in the room's typing list. */
  Duration typingTtl = Duration.ofSeconds(5);

  /** The shortest time between two {@code typing} frames of one room. */
  Duration typingThrottle = Duration.ofMillis(250);

  /** How often a node announces its users' presence to the others. */
  Duration presenceBeat = Duration.ofSeconds(2);

  /** A node unheard of for this long is taken for dead: its users go offline. */
  Duration nodeTimeout = Duration.ofSeconds(6);

  /**
   * How long a user whose last socket closed still counts as present (a reload, a tab handing
   * over).
   */
  Duration offlineGrace = Duration.ofSeconds(3);

  /**
   * How long a node waits for a missing message (two nodes' messages crossing on NATS) before
   * reading it from PostgreSQL.
   */
  Duration reorderWait = Duration.ofMillis(150);

  /** Threads that post messages to PostgreSQL (batched per room). */
  int writerThreads = 8;

  /** Threads for everything else the chat asks of PostgreSQL: joins, catch-ups, reads, edits. */
  int readerThreads = 8;

  /** Frames of one socket waiting for those threads; past it a frame is refused (RATE_LIMITED). */
  int maxPendingTasks = 64;

  /** Messages of one room written in one transaction at most. */
  int maxPostBatch = 256;

  /**
   * Messages of one room waiting for their transaction on this node; past it posts are refused
   * ({@code RATE_LIMITED}).
   */
  int maxQueuedPosts = 4096;

  public void setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = handshakeTimeout;
  }

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  public void setCloseGrace(Duration closeGrace) {
    this.closeGrace = closeGrace;
  }

  public Duration getCloseGrace() {
    return closeGrace;
  }

  public void setExpiryGrace(Duration expiryGrace) {
    this.expiryGrace = expiryGrace;
  }

  public Duration getExpiryGrace() {
    return expiryGrace;
  }

  public void setMaxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  public int getMaxFrameBytes() {
    return maxFrameBytes;
  }

  public void setMaxQueuedBytes(long maxQueuedBytes) {
    this.maxQueuedBytes = maxQueuedBytes;
  }

  public long getMaxQueuedBytes() {
    return maxQueuedBytes;
  }

  public void setFramesPerSecond(int framesPerSecond) {
    this.framesPerSecond = framesPerSecond;
  }

  public int getFramesPerSecond() {
    return framesPerSecond;
  }

  public void setFrameBurst(int frameBurst) {
    this.frameBurst = frameBurst;
  }

  public int getFrameBurst() {
    return frameBurst;
  }

  public void setMessagesPerSecond(int messagesPerSecond) {
    this.messagesPerSecond = messagesPerSecond;
  }

  public int getMessagesPerSecond() {
    return messagesPerSecond;
  }

  public void setMessageBurst(int messageBurst) {
    this.messageBurst = messageBurst;
  }

  public int getMessageBurst() {
    return messageBurst;
  }

  public void setMaxTextLength(int maxTextLength) {
    this.maxTextLength = maxTextLength;
  }

  public int getMaxTextLength() {
    return maxTextLength;
  }

  public void setMaxRoomsPerSocket(int maxRoomsPerSocket) {
    this.maxRoomsPerSocket = maxRoomsPerSocket;
  }

  public int getMaxRoomsPerSocket() {
    return maxRoomsPerSocket;
  }

  public void setHistoryPage(int historyPage) {
    this.historyPage = historyPage;
  }

  public int getHistoryPage() {
    return historyPage;
  }

  public void setMaxHistoryPage(int maxHistoryPage) {
    this.maxHistoryPage = maxHistoryPage;
  }

  public int getMaxHistoryPage() {
    return maxHistoryPage;
  }

  public void setCatchUpPage(int catchUpPage) {
    this.catchUpPage = catchUpPage;
  }

  public int getCatchUpPage() {
    return catchUpPage;
  }

  public void setMaxCatchUpBuffer(int maxCatchUpBuffer) {
    this.maxCatchUpBuffer = maxCatchUpBuffer;
  }

  public int getMaxCatchUpBuffer() {
    return maxCatchUpBuffer;
  }

  public void setTypingTtl(Duration typingTtl) {
    this.typingTtl = typingTtl;
  }

  public Duration getTypingTtl() {
    return typingTtl;
  }

  public void setTypingThrottle(Duration typingThrottle) {
    this.typingThrottle = typingThrottle;
  }

  public Duration getTypingThrottle() {
    return typingThrottle;
  }

  public void setPresenceBeat(Duration presenceBeat) {
    this.presenceBeat = presenceBeat;
  }

  public Duration getPresenceBeat() {
    return presenceBeat;
  }

  public void setNodeTimeout(Duration nodeTimeout) {
    this.nodeTimeout = nodeTimeout;
  }

  public Duration getNodeTimeout() {
    return nodeTimeout;
  }

  public void setOfflineGrace(Duration offlineGrace) {
    this.offlineGrace = offlineGrace;
  }

  public Duration getOfflineGrace() {
    return offlineGrace;
  }

  public void setReorderWait(Duration reorderWait) {
    this.reorderWait = reorderWait;
  }

  public Duration getReorderWait() {
    return reorderWait;
  }

  public void setReaderThreads(int readerThreads) {
    this.readerThreads = readerThreads;
  }

  public int getReaderThreads() {
    return readerThreads;
  }

  public void setMaxPendingTasks(int maxPendingTasks) {
    this.maxPendingTasks = maxPendingTasks;
  }

  public int getMaxPendingTasks() {
    return maxPendingTasks;
  }

  public void setWriterThreads(int writerThreads) {
    this.writerThreads = writerThreads;
  }

  public int getWriterThreads() {
    return writerThreads;
  }

  public void setMaxPostBatch(int maxPostBatch) {
    this.maxPostBatch = maxPostBatch;
  }

  public int getMaxPostBatch() {
    return maxPostBatch;
  }

  public void setMaxQueuedPosts(int maxQueuedPosts) {
    this.maxQueuedPosts = maxQueuedPosts;
  }

  public int getMaxQueuedPosts() {
    return maxQueuedPosts;
  }
}
