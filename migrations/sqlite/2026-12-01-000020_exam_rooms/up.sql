-- The rooms of a sitting, each with its capacity and invigilators [cán bộ coi thi]: a JSON list
-- of {name, capacity, invigilators: [lecturer id]}. Candidates are seated in list order.
ALTER TABLE exams ADD COLUMN rooms TEXT NOT NULL DEFAULT '[]';
