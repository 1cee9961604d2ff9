//! The rule settings of a program (stored as JSON with the program), with DOMAIN defaults.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::Level;

/// One classification band [xếp loại]: an average at or above `min` earns `label`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: f64,
    /// Stable code, e.g. `gioi`.
    pub label: String,
    /// As printed, e.g. `Giỏi`.
    pub name: String,
}

/// A graduation subject [môn thi tốt nghiệp].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GraduationSubject {
    pub code: String,
    pub title: String,
}

/// What a lost paper credential gets by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LostCredentialPolicy {
    /// A certified copy from the register [bản sao từ sổ gốc]: same number, printed as a copy.
    CertifiedCopy,
    /// A new credential with a new number pointing at the old one.
    Reissue,
}

/// Every rule setting of a program, with DOMAIN defaults. Absent keys take the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(deny_unknown_fields, default)]
pub struct ProgramRules {
    /// A learner who misses more than this share of a module's hours may not sit its exam.
    pub module_absence_limit_pct: f64,
    /// Missing more than this share of the whole program's hours blocks graduation with the class.
    pub program_absence_limit_pct: f64,
    /// Whether `excused` absences count as missed.
    pub excused_counts_as_missed: bool,
    /// Whether `late` counts as present.
    pub late_counts_as_present: bool,
    /// Pass mark on the 10-point scale for modules, field study and graduation subjects.
    pub pass_mark: f64,
    /// Retakes allowed per module.
    pub max_retakes: u32,
    /// A graduate who needed a retake (or was disciplined) drops one level from `cap_from_label` up.
    pub retake_lowers_classification: bool,
    /// The band label from which the retake/discipline drop applies (default `gioi`).
    pub cap_from_label: String,
    /// Double marking: a gap above this between two graders goes to a third.
    pub double_marking_gap: f64,
    /// Days after publication within which a learner may appeal a grade.
    pub appeal_window_days: u32,
    /// A field study [nghiên cứu thực tế] with a graded report is required to graduate.
    pub field_study_required: bool,
    /// Graduation exams.
    pub graduation_subjects: Vec<GraduationSubject>,
    /// A graduation paper [khóa luận / tiểu luận / bài thu hoạch] is required.
    pub graduation_essay: bool,
    /// Classification bands, highest first.
    pub classification_bands: Vec<Band>,
    /// Certificates wait for the graduation council's decision.
    pub council_confirmation: bool,
    /// Conduct rated `yeu` or a disciplinary measure blocks graduation.
    pub conduct_blocks_graduation: bool,
    pub lost_credential_policy: LostCredentialPolicy,
    /// Who a refresher course is for, when the regulation names them; `null`: anyone.
    pub audience: Option<Audience>,
}

/// The people a refresher course is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// New party members [bồi dưỡng đảng viên mới]: probationary, within their probation.
    NewPartyMembers,
    /// People not yet party members [bồi dưỡng nhận thức về Đảng].
    ProspectiveMembers,
}

fn band(min: f64, label: &str, name: &str) -> Band {
    Band { min, label: label.into(), name: name.into() }
}

/// The five bands of DOMAIN.md: xuất sắc, giỏi, khá, trung bình khá, trung bình.
pub fn standard_bands() -> Vec<Band> {
    vec![
        band(9.0, "xuat_sac", "Xuất sắc"),
        band(8.0, "gioi", "Giỏi"),
        band(7.0, "kha", "Khá"),
        band(6.0, "trung_binh_kha", "Trung bình khá"),
        band(5.0, "trung_binh", "Trung bình"),
    ]
}

impl Default for ProgramRules {
    fn default() -> Self {
        ProgramRules {
            module_absence_limit_pct: 20.0,
            program_absence_limit_pct: 30.0,
            excused_counts_as_missed: true,
            late_counts_as_present: true,
            pass_mark: 5.0,
            max_retakes: 1,
            retake_lowers_classification: true,
            cap_from_label: "gioi".into(),
            double_marking_gap: 1.0,
            appeal_window_days: 15,
            field_study_required: false,
            graduation_subjects: Vec::new(),
            graduation_essay: false,
            classification_bands: standard_bands(),
            council_confirmation: false,
            conduct_blocks_graduation: true,
            lost_credential_policy: LostCredentialPolicy::CertifiedCopy,
            audience: None,
        }
    }
}

impl ProgramRules {
    /// The defaults for a level: refresher courses end with a report and are graded
    /// giỏi/khá/trung bình; intermediate and advanced require field study.
    pub fn for_level(level: Level) -> ProgramRules {
        let mut r = ProgramRules::default();
        match level {
            Level::Refresher => {
                r.graduation_essay = true;
                r.classification_bands =
                    vec![band(8.0, "gioi", "Giỏi"), band(6.5, "kha", "Khá"), band(5.0, "trung_binh", "Trung bình")];
            }
            Level::Elementary => r.graduation_essay = true,
            Level::Intermediate | Level::Advanced => r.field_study_required = true,
        }
        r
    }

    /// The band an average earns, if any.
    pub fn classify(&self, average: f64) -> Option<&Band> {
        self.classification_bands.iter().find(|b| average + 1e-9 >= b.min)
    }
}
