-- The language a user reads messages in: Vietnamese unless they chose English.
CREATE TABLE message_languages (
    user_id  TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES users(id),
    language TEXT NOT NULL
);
-- Finding people by the unit that sent them.
CREATE INDEX learners_sending_unit ON learners(sending_unit);
