package io.bellhop.collaboration.chat;

import java.time.Instant;

/**
 * One message of a room, as stored and as sent. A deleted message keeps its place ({@code seq}),
 * id, sender and times, with empty text.
 */
record ChatMessage(
    String roomId,
    long seq,
    String messageId,
    String senderId,
    String senderName,
    String clientMsgId,
    String text,
    String replyTo,
    String fileId,
    Instant createdAt,
    Instant editedAt,
    boolean deleted) {}
