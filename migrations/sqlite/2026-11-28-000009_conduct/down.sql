DROP TABLE conduct;
