//! Conduct in class [đánh giá rèn luyện]: for each learner of a class, political qualities,
//! discipline and keeping the class rules [phẩm chất chính trị, ý thức rèn luyện, chấp hành nền
//! nếp], each tốt / khá / trung bình / yếu, a comment, and any disciplinary measure with its date
//! and reason. Recorded by the head teacher [giáo viên chủ nhiệm] or an administrator; read by the
//! results, where *yếu* or a measure blocks graduation and a warning or worse lowers the band.

pub mod http;
pub mod store;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::conduct;

crate::text_enum! {
    /// tốt, khá, trung bình, yếu.
    pub enum Rating {
        Good => "tot",
        Fair => "kha",
        Average => "trung_binh",
        Weak => "yeu",
    }
}

crate::text_enum! {
    /// Disciplinary measures [hình thức kỷ luật]: khiển trách, cảnh cáo, buộc thôi học.
    pub enum Measure {
        Reprimand => "reprimand",
        Warning => "warning",
        Expulsion => "expulsion",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = conduct, treat_none_as_null = true)]
pub struct Conduct {
    pub id: ConductId,
    pub cohort_id: CohortId,
    pub learner_id: LearnerId,
    pub institution_id: InstitutionId,
    pub political: Rating,
    pub discipline: Rating,
    pub class_rules: Rating,
    pub comment: Option<String>,
    pub measure: Option<Measure>,
    pub measure_on: Option<NaiveDate>,
    pub measure_reason: Option<String>,
    pub recorded_by: UserId,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Rating {
    /// As printed: tốt, khá, trung bình, yếu.
    pub fn name_vi(self) -> &'static str {
        match self {
            Rating::Good => "Tốt",
            Rating::Fair => "Khá",
            Rating::Average => "Trung bình",
            Rating::Weak => "Yếu",
        }
    }
}

impl Measure {
    /// As printed: khiển trách, cảnh cáo, buộc thôi học.
    pub fn name_vi(self) -> &'static str {
        match self {
            Measure::Reprimand => "Khiển trách",
            Measure::Warning => "Cảnh cáo",
            Measure::Expulsion => "Buộc thôi học",
        }
    }
}

impl Conduct {
    /// Why this conduct blocks graduation (a *yếu* or any measure), if it does.
    pub fn block(&self) -> Option<String> {
        let weak = [self.political, self.discipline, self.class_rules].contains(&Rating::Weak);
        match (weak, self.measure) {
            (true, _) => Some("Conduct rated yếu in class.".into()),
            (false, Some(m)) => Some(format!("Disciplinary measure in class: {m}.")),
            _ => None,
        }
    }

    /// Disciplined at warning level or above (lowers the classification from giỏi up).
    pub fn warned(&self) -> bool {
        matches!(self.measure, Some(Measure::Warning | Measure::Expulsion))
    }
}
