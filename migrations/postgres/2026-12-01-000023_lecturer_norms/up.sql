-- A lecturer's norm [định mức giờ chuẩn]: the year of their probation [năm tập sự], when the
-- norm is at most the probation norm, and the head's adjustment of at most ±15 %.
ALTER TABLE lecturers ADD COLUMN probation_year INTEGER;
ALTER TABLE lecturers ADD COLUMN norm_adjustment_pct INTEGER;
