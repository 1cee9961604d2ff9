-- Two roles of the party organisation's oversight: inspectors [đoàn kiểm tra, giám sát], who read
-- everything in their subtree and write only their inspections, and the organisation officers of
-- sending units [cán bộ tổ chức], linked to one registered unit.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('system_admin', 'institution_admin', 'lecturer', 'learner', 'inspector', 'unit_officer'));
ALTER TABLE users ADD COLUMN sending_unit_id TEXT COLLATE "C" REFERENCES sending_units(id);
ALTER TABLE users ADD CONSTRAINT users_unit_officer CHECK ((role = 'unit_officer') = (sending_unit_id IS NOT NULL));
CREATE INDEX users_sending_unit_id ON users(sending_unit_id);
