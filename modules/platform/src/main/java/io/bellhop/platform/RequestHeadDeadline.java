package io.bellhop.platform;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes an HTTP/1 connection whose next request head is not complete within the deadline: from
 * accept for the first request, from the end of the previous response for each keep-alive one. Sits
 * right after the HTTP codec, which emits an {@link HttpRequest} only once the whole head has
 * arrived, so a client dribbling header bytes cannot keep the deadline from firing. While a request
 * is being answered (a long-poll, an SSE stream) no deadline runs. After a WebSocket upgrade (101)
 * the handler leaves the pipeline: the stream's handshake deadline takes over.
 *
 * <p>Micronaut's read-idle timeout cannot do this job: it is off, because stream clients rightly
 * send nothing for hours after their handshake. Runs on the channel's event loop only.
 */
final class RequestHeadDeadline extends ChannelDuplexHandler {
  private final long timeoutNanos;
  private final Consumer<Boolean> timedOut;
  private ScheduledFuture<?> timer;

  /** Requests read whose response has not been written completely. */
  private int unanswered;

  private boolean keepAlive;

  /**
   * @param timedOut told, before the close, whether the deadline ran after a response (an idle
   *     keep-alive connection) rather than on a fresh connection
   */
  RequestHeadDeadline(long timeoutNanos, Consumer<Boolean> timedOut) {
    this.timeoutNanos = timeoutNanos;
    this.timedOut = timedOut;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      unanswered++;
      disarm();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse r
        && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      disarm();
      ctx.write(msg, promise);
      ctx.pipeline().remove(this);
      return;
    }
    boolean informational =
        msg instanceof FullHttpResponse full
            && full.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (msg instanceof LastHttpContent && !informational && --unanswered <= 0) {
      unanswered = 0;
      ChannelPromise written = promise.unvoid();
      written.addListener(
          f -> {
            if (f.isSuccess() && unanswered == 0) {
              keepAlive = true;
              arm(ctx);
            }
          });
      ctx.write(msg, written);
      return;
    }
    ctx.write(msg, promise);
  }

  private void arm(ChannelHandlerContext ctx) {
    if (timer != null || timeoutNanos <= 0) {
      return;
    }
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  timer = null;
                  if (unanswered == 0 && ctx.channel().isActive()) {
                    timedOut.accept(keepAlive);
                    ctx.close();
                  }
                },
                timeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
