DELETE FROM auth_tokens WHERE user_id IN (SELECT id FROM users WHERE role IN ('inspector', 'unit_officer'));
DELETE FROM users WHERE role IN ('inspector', 'unit_officer');
ALTER TABLE users DROP CONSTRAINT users_unit_officer;
ALTER TABLE users DROP COLUMN sending_unit_id;
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('system_admin', 'institution_admin', 'lecturer', 'learner'));
