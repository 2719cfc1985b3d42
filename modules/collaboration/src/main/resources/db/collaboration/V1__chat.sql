-- Rooms of one org. org and property rooms appear on their first use; direct rooms when opened.
-- last_seq is the room's sequence: every message takes the next number under this row's lock,
-- so a room's messages are numbered 1, 2, 3 ... without gaps, whichever node writes them.
CREATE TABLE rooms (
  org_id      text        NOT NULL,
  room_id     text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('org', 'property', 'direct')),
  property_id text,
  last_seq    bigint      NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, room_id)
);

-- The two users of a direct room.
CREATE TABLE direct_members (
  org_id  text NOT NULL,
  room_id text NOT NULL,
  user_id text NOT NULL,
  PRIMARY KEY (org_id, room_id, user_id),
  FOREIGN KEY (org_id, room_id) REFERENCES rooms (org_id, room_id)
);
CREATE INDEX direct_members_by_user ON direct_members (org_id, user_id);

CREATE TABLE messages (
  org_id        text        NOT NULL,
  room_id       text        NOT NULL,
  seq           bigint      NOT NULL,
  message_id    text        NOT NULL,
  sender_id     text        NOT NULL,
  sender_name   text        NOT NULL,
  client_msg_id text        NOT NULL,
  body          text        NOT NULL,
  reply_to      text,
  file_id       text,
  created_at    timestamptz NOT NULL,
  edited_at     timestamptz,
  deleted_at    timestamptz,
  PRIMARY KEY (org_id, room_id, seq),
  -- A retry of a send finds the first one: never posted twice.
  UNIQUE (org_id, room_id, sender_id, client_msg_id),
  UNIQUE (org_id, message_id)
);
CREATE INDEX messages_by_day ON messages (org_id, room_id, created_at);

-- Each member's read mark in a room: the highest seq read. Only ever moves forward. A row also
-- says the user has been in the room (a room's "members" in /stats).
CREATE TABLE read_marks (
  org_id     text        NOT NULL,
  room_id    text        NOT NULL,
  user_id    text        NOT NULL,
  read_seq   bigint      NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, room_id, user_id)
);
