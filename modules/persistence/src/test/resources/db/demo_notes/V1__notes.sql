-- Also V1: each module numbers its migrations on its own.
CREATE TABLE notes (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text  text NOT NULL
);
