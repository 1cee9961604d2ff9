ALTER TABLE learners DROP COLUMN succession_since;
ALTER TABLE learners DROP COLUMN succession_post;
ALTER TABLE learners DROP COLUMN committee_member_since;
