//! HTTP-level tests: every test drives the real application over HTTP, once on SQLite and once
//! on PostgreSQL.

mod support;

mod attendance;
mod audit;
mod auth;
mod authz_matrix;
mod backup;
mod certificates;
mod cohorts;
mod conditional;
mod conventions;
mod demo;
mod exams;
mod field_trips;
mod inspections;
mod institutions;
mod jobs;
mod kept_results;
mod lecturers;
mod merges;
mod nominations;
mod open_credentials;
mod ops;
mod people;
mod plans;
mod programs;
mod records;
mod reports;
mod resilience;
mod results;
mod rule_sets;
mod schema_invariants;
mod sending_units;
mod signed_pdfs;
mod startup;
mod timetable;
mod users;
