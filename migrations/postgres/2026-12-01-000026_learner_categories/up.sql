-- The categories the party organisation reports by [đối tượng]: a member of a party committee
-- [cấp ủy viên] since when, and a place in the succession plan [quy hoạch] for which post since
-- when. New party members, ethnic minorities and women follow from the fields already there.
ALTER TABLE learners ADD COLUMN committee_member_since DATE;
ALTER TABLE learners ADD COLUMN succession_post TEXT;
ALTER TABLE learners ADD COLUMN succession_since DATE;
