DROP TABLE nominated_people;
DROP TABLE nominations;
