use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rule_settings::ProgramRules;
use crate::db::ids::{InstitutionId, ModuleId, ProgramId};
use crate::db::schema::{program_modules, programs};

crate::text_enum! {
    /// LLCT level: bồi dưỡng (refresher), sơ cấp (elementary), trung cấp (intermediate),
    /// cao cấp (advanced).
    pub enum Level {
        Refresher => "refresher",
        Elementary => "elementary",
        Intermediate => "intermediate",
        Advanced => "advanced",
    }
}

crate::text_enum! {
    /// Giấy chứng nhận (certificate) or bằng (diploma).
    pub enum Credential {
        Certificate => "certificate",
        Diploma => "diploma",
    }
}

crate::text_enum! {
    pub enum ProgramStatus {
        Draft => "draft",
        Published => "published",
        Retired => "retired",
    }
}

crate::text_enum! {
    /// How a module is assessed.
    pub enum Assessment {
        Written => "written",
        Oral => "oral",
        Essay => "essay",
        None => "none",
    }
}

crate::json_text!(ProgramRules);

/// A set of levels, kept as a JSON list in one column.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Levels(pub Vec<Level>);
crate::json_text!(Levels);

/// The `owner_key` of national programs.
pub const NATIONAL: &str = "national";

/// The key a program is searched by: its title and code folded (case and accents ignored).
pub fn title_key(title: &str, code: &str) -> String {
    crate::text::fold(&format!("{title} {code}"))
}

pub fn owner_key(owner: Option<InstitutionId>) -> String {
    owner.map(|o| o.to_string()).unwrap_or_else(|| NATIONAL.to_string())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = programs, treat_none_as_null = true)]
pub struct Program {
    pub id: ProgramId,
    pub code: String,
    pub title: String,
    pub title_key: String,
    pub level: Level,
    pub edition: String,
    pub credential: Credential,
    pub owner_institution_id: Option<InstitutionId>,
    pub owner_key: String,
    pub description: Option<String>,
    pub status: ProgramStatus,
    pub previous_id: Option<ProgramId>,
    pub rules: ProgramRules,
    pub published_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = program_modules, treat_none_as_null = true)]
pub struct ProgramModule {
    pub id: ModuleId,
    pub program_id: ProgramId,
    pub code: String,
    pub title: String,
    pub hours: i32,
    pub position: i32,
    pub assessment: Assessment,
    pub part: Option<String>,
    pub graduation_exam: bool,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
