package io.bellhop.collaboration.chat;

/**
 * A message a user asks to post, before it has a place in its room.
 *
 * @param replyTo the message id it answers, or null
 * @param fileId an uploaded file it carries, or null
 */
record Post(
    String senderId,
    String senderName,
    String clientMsgId,
    String text,
    String replyTo,
    String fileId) {}
