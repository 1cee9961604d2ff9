DROP TABLE message_languages;
