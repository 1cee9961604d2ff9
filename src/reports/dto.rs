//! What the reports answer and the queries they take.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cohorts::model::Mode;
use crate::db::ids::*;
use crate::people::model::{LecturerKind, LecturerRank};
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    pub year: i32,
    pub rows: Vec<SummaryRow>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Classes that opened in this year; this year when absent.
    pub year: Option<i32>,
    /// This institution and those under it; the caller's scope when absent.
    pub institution_id: Option<InstitutionId>,
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
    /// The yearly norm of a full-time lecturer by rank (270, 290, 310), else none.
    pub annual_norm: Option<i64>,
    /// The norm for the days asked, pro rata.
    pub norm_for_period: Option<f64>,
    /// periods ÷ norm for the period, in percent.
    pub percent_of_norm: Option<f64>,
}
