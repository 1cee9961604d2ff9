DROP INDEX learners_sending_unit;
DROP TABLE message_languages;
