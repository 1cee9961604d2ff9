//! What the reports answer and the queries they take.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cohorts::model::Mode;
use crate::db::ids::*;
use crate::people::model::{LecturerKind, LecturerRank, LlctLevel};
use crate::programs::model::Level;

/// `json` (default), `csv`, `xlsx` or `svg` (a chart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    Svg,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    /// Classes that opened in the year (not cancelled).
    pub cohorts: i64,
    pub closed_cohorts: i64,
    /// Trainee-turns [lượt học viên]: enrolments still on the list.
    pub trainee_turns: i64,
    pub withdrawn: i64,
    /// Graduates of closed classes, in total and by classification label.
    pub graduated: i64,
    pub by_classification: BTreeMap<String, i64>,
    pub failed: i64,
    /// Closed with a result still missing something.
    pub pending: i64,
    /// Failures by what they failed on (a learner may count under several).
    pub failed_on: BTreeMap<String, i64>,
}

impl Figures {
    pub fn add(&mut self, o: &Figures) {
        self.cohorts += o.cohorts;
        self.closed_cohorts += o.closed_cohorts;
        self.trainee_turns += o.trainee_turns;
        self.withdrawn += o.withdrawn;
        self.graduated += o.graduated;
        self.failed += o.failed;
        self.pending += o.pending;
        for (k, v) in &o.by_classification {
            *self.by_classification.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.failed_on {
            *self.failed_on.entry(k.clone()).or_default() += v;
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRow {
    pub institution_id: InstitutionId,
    pub institution_name: String,
    pub level: Level,
    pub mode: Mode,
    /// The institution's own classes.
    pub own: Figures,
    /// Its own and every institution's under it.
    pub including_children: Figures,
}

crate::text_enum! {
    /// How `GET /reports/summary` groups besides level and mode: by `level`, `program`, `mode`,
    /// the learner's `sending_unit`, or learner `category`.
    pub enum GroupBy {
        Level => "level",
        Program => "program",
        Mode => "mode",
        SendingUnit => "sending_unit",
        Category => "category",
    }
}

crate::text_enum! {
    /// The learner categories the party organisation reports by, as of the class's first day:
    /// a party committee member [cấp ủy viên], in the succession plan [quy hoạch], a new party
    /// member (admitted within the last 12 months or still probationary), an ethnic minority
    /// (any ethnicity but Kinh), a woman.
    pub enum Category {
        PartyCommitteeMember => "party_committee_member",
        SuccessionPlan => "succession_plan",
        NewPartyMember => "new_party_member",
        EthnicMinority => "ethnic_minority",
        Female => "female",
    }
}

/// One group of the summary at one institution.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRow {
    pub institution_id: InstitutionId,
    pub institution_name: String,
    /// The group's stable key: a level, program id, mode or category code, or the sending
    /// unit's folded name (`none` for learners without one).
    pub group: String,
    /// The group as people read it (Vietnamese).
    pub label: String,
    pub own: Figures,
    pub including_children: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// The year asked for; none for a period given by `from` and `to`.
    pub year: Option<i32>,
    /// The period's first and last day (the whole year for `year`).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<SummaryRow>,
    /// Every class the report covers: "N trainee-turns in M classes" in one figure.
    pub totals: Figures,
    /// By `group_by`, when asked (empty otherwise). A learner counts in every category they
    /// fall in, and a class in every group it has learners of.
    pub groups: Vec<GroupRow>,
    /// Credentials copied from paper register books [sổ gốc] dated in the period: graduates of
    /// the years before the service, counted in the year of their credential. Not part of
    /// `rows` or `totals`, which count the classes run here.
    pub recorded: Vec<RecordedRow>,
}

/// Paper-era credentials kept at one institution for one level.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedRow {
    pub institution_id: InstitutionId,
    pub institution_name: String,
    pub level: LlctLevel,
    /// Copies kept at the institution itself.
    pub own: i64,
    /// Its own and every institution's under it.
    pub including_children: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Classes that opened in this year; this year when neither it nor a period is given.
    #[param(minimum = 1990, maximum = 2200)]
    pub year: Option<i32>,
    /// First day of a period (with `to`, instead of `year`): classes that opened from then.
    pub from: Option<NaiveDate>,
    /// Last day of the period, inclusive (at most ten years after `from`).
    pub to: Option<NaiveDate>,
    /// This institution and those under it; the caller's scope when absent.
    pub institution_id: Option<InstitutionId>,
    pub group_by: Option<GroupBy>,
    /// `json`, `csv`, `xlsx` or `svg`; with `group_by` the files hold the groups.
    pub format: Option<ReportFormat>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkloadQuery {
    /// First day (local), inclusive.
    pub from: NaiveDate,
    /// Last day (local), inclusive.
    pub to: NaiveDate,
    pub institution_id: Option<InstitutionId>,
    pub format: Option<ReportFormat>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadRow {
    pub lecturer_id: LecturerId,
    pub full_name: String,
    pub institution_id: InstitutionId,
    /// `full_time`, `concurrent` or `visiting`; concurrent and visiting lecturers are paid per
    /// period taught.
    pub kind: LecturerKind,
    pub rank: LecturerRank,
    pub sessions: i64,
    /// Teaching periods [tiết] of 45 minutes = standard hours [giờ chuẩn].
    pub periods: f64,
    /// Exam papers of the period's exams this lecturer marked (as first, second or third grader).
    pub papers_marked: i64,
    /// Field study reports this lecturer graded in the period.
    pub reports_graded: i64,
    /// Days of field study in the period this lecturer guided (one of the study's lecturers).
    pub field_study_days: i64,
    /// Exam sittings of the period this lecturer invigilated (once per sitting, sealed or later).
    pub sittings_invigilated: i64,
    /// Periods plus the papers, reports, field study days and sittings at their weights
    /// (settings `workload.paper_grading_hours`, `report_grading_hours`, `field_study_day_hours`,
    /// `invigilation_hours`).
    pub standard_hours: f64,
    /// The yearly norm of a full-time lecturer by rank (270, 290, 310), else none.
    pub annual_norm: Option<i64>,
    /// The norm for the days asked, pro rata.
    pub norm_for_period: Option<f64>,
    /// standard hours ÷ norm for the period, in percent.
    pub percent_of_norm: Option<f64>,
}
