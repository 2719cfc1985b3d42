CREATE TABLE bookings (
    id      text PRIMARY KEY,
    org_id  text NOT NULL,
    guest   text NOT NULL
);
