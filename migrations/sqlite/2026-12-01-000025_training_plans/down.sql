DROP TABLE training_plans;
