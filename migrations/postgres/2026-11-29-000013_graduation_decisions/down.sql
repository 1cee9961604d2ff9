DROP TABLE graduation_decisions;
