DROP TABLE inspections;
