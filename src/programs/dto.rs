use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::model::{Assessment, Credential, Level, Program, ProgramModule, ProgramStatus};
use super::rule_settings::ProgramRules;
use super::rules;
use crate::db::ids::{InstitutionId, ModuleId, ProgramId};
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::export::Format;
use crate::http::extract::nullable;
use crate::text::clean;

/// A new draft program.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProgram {
    #[schema(example = "TC-LLCT")]
    pub code: Option<String>,
    #[schema(example = "Trung cấp lý luận chính trị")]
    pub title: Option<String>,
    pub level: Option<Level>,
    /// The curriculum's own edition, e.g. `2021`.
    pub edition: Option<String>,
    /// Defaults from the level: refresher → certificate, others → diploma.
    pub credential: Option<Credential>,
    /// `null` for a national program (system administrators only).
    pub owner_institution_id: Option<InstitutionId>,
    pub description: Option<String>,
    /// Rule settings; keys left out take the level's defaults.
    #[schema(value_type = Option<ProgramRules>)]
    pub rules: Option<Value>,
}

crate::required_fields!("CreateProgram": "code", "title", "edition", "level");

/// Changes to a draft program; `rules` is merged key by key onto the current settings.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProgram {
    pub code: Option<String>,
    pub title: Option<String>,
    pub level: Option<Level>,
    pub edition: Option<String>,
    pub credential: Option<Credential>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<ProgramRules>)]
    pub rules: Option<Value>,
}

/// A new draft edition copied from a program (modules and rules included).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVersion {
    #[schema(example = "2026")]
    pub edition: Option<String>,
    /// Whose copy it is; defaults to the source's owner (an institution admin copying a national
    /// program gets their own institution).
    pub owner_institution_id: Option<InstitutionId>,
    pub code: Option<String>,
    pub title: Option<String>,
}

crate::required_fields!("CreateVersion": "edition");

impl CreateVersion {
    /// Cleans and checks the fields that do not need the database: an edition of 1 to 32
    /// characters, and a code and title when given.
    pub fn check(mut self) -> Result<CreateVersion, ApiError> {
        let mut p = Problems::new();
        self.edition = self.edition.as_deref().map(clean);
        match &self.edition {
            None => p.add("edition", "is required"),
            Some(e) => check_text(e, "edition", 32, &mut p),
        }
        self.code = self.code.map(|c| c.trim().to_string());
        if let Some(c) = &self.code {
            check_code(c, "code", &mut p);
        }
        self.title = self.title.map(|t| clean(&t));
        if let Some(t) = &self.title {
            check_text(t, "title", 200, &mut p);
        }
        p.finish(self)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramOut {
    pub id: ProgramId,
    pub code: String,
    pub title: String,
    pub level: Level,
    pub edition: String,
    pub credential: Credential,
    pub owner_institution_id: Option<InstitutionId>,
    pub description: Option<String>,
    pub status: ProgramStatus,
    /// The program this edition was copied from.
    pub previous_id: Option<ProgramId>,
    pub rules: ProgramRules,
    /// Sum of the modules' hours [tiết].
    pub total_hours: i64,
    pub module_count: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProgramOut {
    pub fn new(p: Program, total_hours: i64, module_count: i64) -> ProgramOut {
        ProgramOut {
            id: p.id,
            code: p.code,
            title: p.title,
            level: p.level,
            edition: p.edition,
            credential: p.credential,
            owner_institution_id: p.owner_institution_id,
            description: p.description,
            status: p.status,
            previous_id: p.previous_id,
            rules: p.rules,
            total_hours,
            module_count,
            published_at: p.published_at.map(|t| t.and_utc()),
            retired_at: p.retired_at.map(|t| t.and_utc()),
            version: p.version,
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// Filters of `GET /programs`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgramFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub updated_since: Option<DateTime<FixedOffset>>,
    pub level: Option<Level>,
    pub status: Option<ProgramStatus>,
    pub owner_institution_id: Option<InstitutionId>,
    /// `true`: national programs only; `false`: institutions' own only.
    pub national: Option<bool>,
    /// Words of the title or the code, accents optional.
    pub q: Option<String>,
    pub format: Option<Format>,
}

/// A new module; `position` defaults to the end.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateModule {
    pub code: Option<String>,
    pub title: Option<String>,
    /// Periods [tiết] of 45 minutes.
    pub hours: Option<i32>,
    pub position: Option<i32>,
    pub assessment: Option<Assessment>,
    /// Part or group [phần] of the curriculum.
    pub part: Option<String>,
    pub graduation_exam: Option<bool>,
    pub description: Option<String>,
}

crate::required_fields!("CreateModule": "code", "title", "hours");

/// Text cleaned, or none when empty.
fn opt(s: Option<String>) -> Option<String> {
    s.map(|s| clean(&s)).filter(|s| !s.is_empty())
}

impl CreateModule {
    /// Every problem with the module asked for, at once, or the module; its position (0 here)
    /// is set once the program's modules are known.
    pub fn row(self, program_id: ProgramId, t: chrono::NaiveDateTime) -> Result<ProgramModule, ApiError> {
        let mut p = Problems::new();
        p.check(self.code.is_some(), "code", "is required");
        p.check(self.title.is_some(), "title", "is required");
        p.check(self.hours.is_some(), "hours", "is required");
        let code = self.code.map(|c| c.trim().to_string()).unwrap_or_default();
        let title = self.title.map(|t| clean(&t)).unwrap_or_default();
        let hours = self.hours.unwrap_or(0);
        let mut more = Problems::new();
        check_module(&code, &title, hours, &mut more);
        for item in more.0 {
            if !p.0.iter().any(|x| x.field == item.field) {
                p.0.push(item);
            }
        }
        p.check(self.position.is_none_or(|x| x >= 1), "position", "must be 1 or more");
        p.finish(ProgramModule {
            id: ModuleId::new(),
            program_id,
            code,
            title,
            hours,
            position: 0,
            assessment: self.assessment.unwrap_or(Assessment::Written),
            part: opt(self.part),
            graduation_exam: self.graduation_exam.unwrap_or(false),
            description: opt(self.description),
            version: 1,
            created_at: t,
            updated_at: t,
        })
    }
}

/// Changes to a module of a draft program; a new `position` renumbers the others.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModule {
    pub code: Option<String>,
    pub title: Option<String>,
    pub hours: Option<i32>,
    pub position: Option<i32>,
    pub assessment: Option<Assessment>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub part: Option<Option<String>>,
    pub graduation_exam: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleOut {
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ProgramModule> for ModuleOut {
    fn from(m: ProgramModule) -> ModuleOut {
        ModuleOut {
            id: m.id,
            program_id: m.program_id,
            code: m.code,
            title: m.title,
            hours: m.hours,
            position: m.position,
            assessment: m.assessment,
            part: m.part,
            graduation_exam: m.graduation_exam,
            description: m.description,
            version: m.version,
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
        }
    }
}

/// One (tier, level) pair that may run.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct TierLevel {
    pub tier: String,
    pub level: Level,
}

/// What `POST /programs/catalogue` did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueOut {
    pub created: Vec<ProgramId>,
    /// Programs of the catalogue that were already there (by code and edition).
    pub existing: Vec<ProgramId>,
}

/// Applies a partial rules object onto `base`, then checks the result.
pub fn merge_rules(base: &ProgramRules, patch: Option<Value>, p: &mut Problems) -> ProgramRules {
    let Some(patch) = patch else {
        return base.clone();
    };
    let Value::Object(patch) = patch else {
        p.add("rules", "must be an object");
        return base.clone();
    };
    let mut merged = serde_json::to_value(base).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut merged {
        for (k, v) in patch {
            m.insert(k, v);
        }
    }
    match serde_json::from_value::<ProgramRules>(merged) {
        Ok(r) => {
            p.0.extend(rules::problems(&r));
            r
        }
        Err(e) => {
            p.add("rules", e.to_string());
            base.clone()
        }
    }
}

pub fn check_code(code: &str, field: &str, p: &mut Problems) {
    let ok =
        !code.is_empty() && code.len() <= 32 && code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    p.check(ok, field, "must be 1 to 32 letters, digits, '-', '_' or '.'");
}

pub fn check_text(s: &str, field: &str, max: usize, p: &mut Problems) {
    p.check(!s.is_empty() && s.chars().count() <= max, field, format!("must be 1 to {max} characters"));
}

/// Cleaned fields of a new program.
pub struct NewProgram {
    pub code: String,
    pub title: String,
    pub level: Level,
    pub edition: String,
    pub credential: Credential,
    pub owner: Option<InstitutionId>,
    pub description: Option<String>,
    pub rules: ProgramRules,
}

impl CreateProgram {
    pub fn check(self) -> Result<NewProgram, ApiError> {
        let mut p = Problems::new();
        let code = self.code.map(|s| s.trim().to_string());
        let title = self.title.map(|s| clean(&s));
        let edition = self.edition.map(|s| clean(&s));
        match &code {
            None => p.add("code", "is required"),
            Some(c) => check_code(c, "code", &mut p),
        }
        match &title {
            None => p.add("title", "is required"),
            Some(t) => check_text(t, "title", 200, &mut p),
        }
        match &edition {
            None => p.add("edition", "is required"),
            Some(e) => check_text(e, "edition", 32, &mut p),
        }
        if self.level.is_none() {
            p.add("level", "is required");
        }
        let level = self.level.unwrap_or(Level::Refresher);
        let rules = merge_rules(&ProgramRules::for_level(level), self.rules, &mut p);
        let description = self.description.map(|d| clean(&d)).filter(|d| !d.is_empty());
        p.check(
            description.as_ref().is_none_or(|d| d.chars().count() <= 4000),
            "description",
            "must be at most 4000 characters",
        );
        p.finish(NewProgram {
            code: code.unwrap_or_default(),
            title: title.unwrap_or_default(),
            level,
            edition: edition.unwrap_or_default(),
            credential: self.credential.unwrap_or(rules::default_credential(level)),
            owner: self.owner_institution_id,
            description,
            rules,
        })
    }
}

impl UpdateProgram {
    /// The program with this patch applied (fields only; status rules are the caller's).
    pub fn apply(self, cur: &Program) -> Result<Program, ApiError> {
        let mut p = Problems::new();
        let mut row = cur.clone();
        if let Some(c) = self.code {
            row.code = c.trim().to_string();
            check_code(&row.code, "code", &mut p);
        }
        if let Some(t) = self.title {
            row.title = clean(&t);
            check_text(&row.title, "title", 200, &mut p);
        }
        if let Some(e) = self.edition {
            row.edition = clean(&e);
            check_text(&row.edition, "edition", 32, &mut p);
        }
        if let Some(l) = self.level {
            row.level = l;
        }
        if let Some(c) = self.credential {
            row.credential = c;
        }
        if let Some(d) = self.description {
            row.description = d.map(|d| clean(&d)).filter(|d| !d.is_empty());
        }
        row.rules = merge_rules(&cur.rules, self.rules, &mut p);
        p.finish(row)
    }
}

/// Checks module fields common to create and update.
impl UpdateModule {
    /// The module with the change applied, or every problem with the result.
    pub fn apply(self, cur: &ProgramModule) -> Result<ProgramModule, ApiError> {
        let mut row = cur.clone();
        if let Some(x) = self.code {
            row.code = x.trim().to_string();
        }
        if let Some(x) = self.title {
            row.title = clean(&x);
        }
        row.hours = self.hours.unwrap_or(cur.hours);
        row.assessment = self.assessment.unwrap_or(cur.assessment);
        if let Some(x) = self.part {
            row.part = opt(x);
        }
        row.graduation_exam = self.graduation_exam.unwrap_or(cur.graduation_exam);
        if let Some(x) = self.description {
            row.description = opt(x);
        }
        let mut p = Problems::new();
        check_module(&row.code, &row.title, row.hours, &mut p);
        p.check(self.position.is_none_or(|x| x >= 1), "position", "must be 1 or more");
        p.finish(row)
    }
}

pub fn check_module(code: &str, title: &str, hours: i32, p: &mut Problems) {
    check_code(code, "code", p);
    check_text(title, "title", 300, p);
    p.check((0..=2000).contains(&hours), "hours", "must be between 0 and 2000");
}

pub fn refusal(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::Refused(vec![ProblemItem::rule(code, message)])
}
