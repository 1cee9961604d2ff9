DROP TABLE tier_levels;
DROP TABLE program_modules;
DROP TABLE programs;
