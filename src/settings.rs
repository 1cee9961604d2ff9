//! Typed configuration: `config/default.toml` (embedded) → `LLCT_CONFIG` file →
//! `LLCT__SECTION__KEY` environment variables → `DATABASE_URL`. Validated once at start-up;
//! passed by value, no globals.

use std::fmt;
use std::net::SocketAddr;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub cohorts: CohortSettings,
    pub attendance: AttendanceSettings,
    pub field_trips: FieldTripSettings,
    pub exams: ExamSettings,
    pub workload: WorkloadSettings,
    pub certificates: CertificateSettings,
    pub jobs: JobSettings,
    pub mail: MailSettings,
    pub log: LogSettings,
    pub time: TimeSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub workers: usize,
    pub json_limit_bytes: usize,
    pub upload_limit_bytes: usize,
    pub shutdown_timeout_secs: u64,
    pub client_request_timeout_secs: u64,
    pub public_base_url: String,
    pub cors_allowed_origins: Vec<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    pub pool_timeout_ms: u64,
    pub sqlite_busy_timeout_ms: u64,
}

impl fmt::Debug for DatabaseSettings {
    // The URL may hold a password: print it without one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .field("pool_timeout_ms", &self.pool_timeout_ms)
            .field("sqlite_busy_timeout_ms", &self.sqlite_busy_timeout_ms)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub token_ttl_hours: u32,
    pub login_attempts_per_minute: u32,
    pub login_attempts_per_minute_per_client: u32,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub min_password_length: usize,
    pub caller_cache_secs: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortSettings {
    pub enforce_lecturer_subjects: bool,
    /// Refuse an assignment whose lecturer breaks the standards (degree, LLCT level, teaching
    /// certificate) unless each is overridden with a reason.
    pub enforce_lecturer_standards: bool,
    pub calendar_past_days: u32,
    pub calendar_future_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceSettings {
    pub correction_days: u32,
}

/// Yearly norms in standard hours [định mức giờ chuẩn].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSettings {
    pub lecturer_norm: i64,
    pub principal_lecturer_norm: i64,
    pub senior_lecturer_norm: i64,
    /// At most this in a lecturer's probation year.
    pub probation_norm: i64,
    /// Standard hours a lecturer earns for each exam paper they mark (as first, second or third
    /// grader), and for each field study report they grade.
    pub paper_grading_hours: f64,
    pub report_grading_hours: f64,
    /// Standard hours a lecturer earns for each day of a field study they guide.
    pub field_study_day_hours: f64,
    /// Standard hours a lecturer earns for each exam sitting they invigilate.
    pub invigilation_hours: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamSettings {
    /// How long a sitting lasts when the exam does not say: graduation exams, other exams.
    pub graduation_minutes: u32,
    pub module_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldTripSettings {
    pub max_report_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateSettings {
    #[serde(deserialize_with = "from_text")]
    pub serial_pattern: NumberPattern,
    #[serde(deserialize_with = "from_text")]
    pub register_pattern: NumberPattern,
    pub certificate_code: String,
    pub diploma_code: String,
    pub lost_paper: LostPaper,
    pub verify_per_minute_per_client: u32,
    #[serde(deserialize_with = "from_text")]
    pub sealing_key: SealingKey,
}

/// The server's key that seals the schools' uploaded signing keys: 32 bytes in base64, or empty
/// when no school may upload a certificate. Never printed.
#[derive(Clone, Default)]
pub struct SealingKey(Option<[u8; 32]>);

impl SealingKey {
    pub fn get(&self) -> Option<&[u8; 32]> {
        self.0.as_ref()
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "SealingKey(set)" } else { "SealingKey(unset)" })
    }
}

impl std::str::FromStr for SealingKey {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<SealingKey, &'static str> {
        use base64::Engine;
        if s.trim().is_empty() {
            return Ok(SealingKey(None));
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(s.trim()).map_err(|_| "not base64")?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| "must be 32 bytes in base64 (openssl rand -base64 32)")?;
        Ok(SealingKey(Some(key)))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub scheduler: bool,
    pub lease_secs: u64,
    #[serde(deserialize_with = "from_text")]
    pub session_reminders: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub exam_reminders: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub field_report_reminders: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub grading_reminders: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub cohorts_ending: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub inspections_overdue: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub close_out: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub outbox: Schedule,
    #[serde(deserialize_with = "from_text")]
    pub housekeeping: Schedule,
    pub cohorts_ending_days: u32,
    /// An overdue recommendation is reminded again after this many days.
    pub inspections_remind_every_days: u32,
    pub close_out_pause_ms: u64,
    pub idempotency_keep_days: u32,
    pub job_runs_keep_days: u32,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub smtp_url: String,
    pub from: String,
    pub connections: u32,
    pub timeout_secs: u64,
    pub batch_size: i64,
    pub max_attempts: i32,
    pub backoff_base_secs: u64,
    pub backoff_max_secs: u64,
}

impl fmt::Debug for MailSettings {
    // The SMTP URL may hold a password: print it without one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("from", &self.from)
            .field("timeout_secs", &self.timeout_secs)
            .field("batch_size", &self.batch_size)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// What a reissue for a lost paper does: a certified copy from the register (same number) or a
/// new credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LostPaper {
    Copy,
    Reissue,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: String,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSettings {
    /// The IANA zone dates are local to (ages, roll-call days, reminders).
    #[serde(deserialize_with = "from_text")]
    pub zone: chrono_tz::Tz,
}

/// Reads a value from its text form, so a bad one stops the start naming its key.
fn from_text<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    let text = String::deserialize(d)?;
    text.parse().map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}")))
}

/// A serial or register number pattern [số hiệu, số vào sổ], checked when the settings load:
/// placeholders `{kind}`, `{year}`, `{institution}` and `{number}` (required, optionally with a
/// zero-padded width such as `{number:06}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern(String);

const PLACEHOLDERS: [&str; 4] = ["kind", "year", "number", "institution"];

impl std::str::FromStr for NumberPattern {
    type Err = String;

    fn from_str(pattern: &str) -> Result<NumberPattern, String> {
        let mut has_number = false;
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').ok_or("an unclosed `{`")? + open;
            let inner = &rest[open + 1..close];
            let (name, width) = inner.split_once(':').unwrap_or((inner, ""));
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!("unknown placeholder {{{inner}}}"));
            }
            if !width.is_empty() && (name != "number" || !width.starts_with('0') || width.parse::<u8>().is_err()) {
                return Err(format!("bad width in {{{inner}}}; write e.g. {{number:06}}"));
            }
            has_number |= name == "number";
            rest = &rest[close + 1..];
        }
        if has_number {
            Ok(NumberPattern(pattern.to_string()))
        } else {
            Err("must contain {number}".into())
        }
    }
}

impl NumberPattern {
    /// The number written out for one credential.
    pub fn render(&self, kind: &str, year: i32, number: i32, institution: &str) -> String {
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
            let inner = &rest[open + 1..close];
            let (name, width) = inner.split_once(':').unwrap_or((inner, ""));
            match name {
                "kind" => out.push_str(kind),
                "year" => out.push_str(&year.to_string()),
                "institution" => out.push_str(institution),
                "number" => {
                    let w: usize = width.parse().unwrap_or(0);
                    out.push_str(&format!("{number:0w$}"));
                }
                _ => out.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// A job's cron expression with seconds, parsed when the settings load.
#[derive(Debug, Clone)]
pub struct Schedule {
    text: String,
    cron: croner::Cron,
}

impl std::str::FromStr for Schedule {
    type Err = String;

    fn from_str(expr: &str) -> Result<Schedule, String> {
        let cron = croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(expr)
            .map_err(|e| format!("{expr:?} is not a cron expression with seconds: {e}"))?;
        Ok(Schedule { text: expr.to_string(), cron })
    }
}

impl Schedule {
    /// The expression as configured (what the scheduler is given).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The next time it fires after `after`, in `tz`.
    pub fn next_after(
        &self,
        tz: chrono_tz::Tz,
        after: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let after = chrono::DateTime::from_timestamp(after.timestamp(), 0)?;
        self.cron.find_next_occurrence(&after.with_timezone(&tz), false).ok().map(|t| t.with_timezone(&chrono::Utc))
    }
}

impl Settings {
    /// Reads every layer from the process environment.
    pub fn load() -> Result<Settings, String> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Settings::load_from(&vars)
    }

    /// Reads every layer with the given environment (tests pass their own).
    pub fn load_from(env: &[(String, String)]) -> Result<Settings, String> {
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut builder = Config::builder().add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml));
        if let Some(path) = get("LLCT_CONFIG") {
            builder = builder.add_source(File::with_name(&path).required(true));
        }
        let llct_vars: config::Map<String, String> =
            env.iter().filter(|(k, _)| k.starts_with("LLCT__")).cloned().collect();
        builder = builder.add_source(
            Environment::with_prefix("LLCT")
                .prefix_separator("__")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("server.cors_allowed_origins")
                .try_parsing(true)
                .source(Some(llct_vars)),
        );
        if let Some(url) = get("DATABASE_URL") {
            builder = builder.set_override("database.url", url).map_err(|e| format!("DATABASE_URL: {e}"))?;
        }
        let settings: Settings =
            builder.build().and_then(|c| c.try_deserialize()).map_err(|e| format!("configuration: {e}"))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values the types alone cannot, naming the key of each bad one.
    pub fn validate(&self) -> Result<(), String> {
        let mut bad = Vec::new();
        if self.server.bind.parse::<SocketAddr>().is_err() {
            bad.push(format!("server.bind: {:?} is not an address:port", self.server.bind));
        }
        if url::Url::parse(&self.server.public_base_url).is_err() {
            bad.push(format!("server.public_base_url: {:?} is not a URL", self.server.public_base_url));
        }
        if self.server.json_limit_bytes < 1024 {
            bad.push("server.json_limit_bytes: must be at least 1024".into());
        }
        let db = &self.database.url;
        if !(db.starts_with("postgres://")
            || db.starts_with("postgresql://")
            || db.starts_with("sqlite:")
            || !db.contains("://"))
        {
            bad.push(format!("database.url: {:?} must start with sqlite:// or postgres://", redact_url(db)));
        }
        if self.database.pool_size == 0 {
            bad.push("database.pool_size: must be at least 1".into());
        }
        let w = &self.workload;
        for (key, hours) in [
            ("paper_grading_hours", w.paper_grading_hours),
            ("report_grading_hours", w.report_grading_hours),
            ("field_study_day_hours", w.field_study_day_hours),
            ("invigilation_hours", w.invigilation_hours),
        ] {
            if !(0.0..=10.0).contains(&hours) {
                bad.push(format!("workload.{key}: must be from 0 to 10"));
            }
        }
        if self.auth.token_ttl_hours == 0 {
            bad.push("auth.token_ttl_hours: must be at least 1".into());
        }
        if self.auth.login_attempts_per_minute == 0 || self.auth.login_attempts_per_minute_per_client == 0 {
            bad.push("auth.login_attempts_per_minute*: must be at least 1".into());
        }
        if self.auth.argon2_memory_kib < 8 || self.auth.argon2_iterations == 0 {
            bad.push("auth.argon2_memory_kib / argon2_iterations: too small".into());
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            bad.push(format!("log.format: {:?} must be \"text\" or \"json\"", self.log.format));
        }
        if !self.mail.smtp_url.is_empty() && !["smtp://", "smtps://"].iter().any(|p| self.mail.smtp_url.starts_with(p))
        {
            bad.push("mail.smtp_url: must start with smtp:// or smtps://, or be empty".into());
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            bad.push(format!("mail.from: {:?} is not a mailbox like \"Name <a@b.vn>\"", self.mail.from));
        }
        if self.mail.batch_size < 1 || self.mail.max_attempts < 1 {
            bad.push("mail.batch_size / mail.max_attempts: must be at least 1".into());
        }
        if self.certificates.verify_per_minute_per_client == 0 {
            bad.push("certificates.verify_per_minute_per_client: must be at least 1".into());
        }
        for o in &self.server.cors_allowed_origins {
            if url::Url::parse(o).is_err() {
                bad.push(format!("server.cors_allowed_origins: {o:?} is not an origin"));
            }
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(format!("configuration: {}", bad.join("; ")))
        }
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.time.zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn defaults_load() {
        let s = Settings::load_from(&[]).unwrap();
        assert_eq!(s.server.bind, "127.0.0.1:8080");
        assert_eq!(s.database.url, "sqlite://data/llct.db");
        assert_eq!(s.time.zone, chrono_tz::Asia::Ho_Chi_Minh);
    }

    #[test]
    fn environment_and_database_url_override() {
        let s = Settings::load_from(&env(&[
            ("LLCT__SERVER__BIND", "0.0.0.0:9000"),
            ("LLCT__DATABASE__POOL_SIZE", "3"),
            ("LLCT__SERVER__CORS_ALLOWED_ORIGINS", "https://a.vn,https://b.vn"),
            ("DATABASE_URL", "postgres://u:pw@h/db"),
            ("LLCT_ADMIN_EMAIL", "not-a-setting@x.vn"),
        ]))
        .unwrap();
        assert_eq!(s.server.bind, "0.0.0.0:9000");
        assert_eq!(s.database.pool_size, 3);
        assert_eq!(s.server.cors_allowed_origins.len(), 2);
        assert_eq!(s.database.url, "postgres://u:pw@h/db");
        assert!(!format!("{:?}", s.database).contains("pw"));
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = Settings::load_from(&env(&[("LLCT__DATABASE__POOL_SIZE", "many")])).unwrap_err();
        assert!(e.contains("pool_size"), "{e}");
        let e = Settings::load_from(&env(&[("LLCT__TIME__ZONE", "Mars/Base")])).unwrap_err();
        assert!(e.contains("time.zone"), "{e}");
        let e = Settings::load_from(&env(&[("LLCT__SERVER__BIND", "nowhere")])).unwrap_err();
        assert!(e.contains("server.bind"), "{e}");
        let e = Settings::load_from(&env(&[("LLCT__JOBS__OUTBOX", "every minute")])).unwrap_err();
        assert!(e.contains("jobs.outbox") && e.contains("cron"), "{e}");
        let e = Settings::load_from(&env(&[("LLCT__CERTIFICATES__SERIAL_PATTERN", "{kind}-{year}")])).unwrap_err();
        assert!(e.contains("certificates.serial_pattern") && e.contains("{number}"), "{e}");
        let e = Settings::load_from(&env(&[("LLCT__SERVER__COLOUR", "red")])).unwrap_err();
        assert!(e.contains("colour"), "{e}");
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    fn pat(p: &str, kind: &str, year: i32, n: i32, inst: &str) -> String {
        p.parse::<NumberPattern>().unwrap().render(kind, year, n, inst)
    }

    #[test]
    fn patterns_render_and_are_checked() {
        assert_eq!(pat("{kind}-{year}-{number:06}", "GCN", 2026, 123, "X"), "GCN-2026-000123");
        assert_eq!(pat("{number}/{year}", "GCN", 2026, 7, "X"), "7/2026");
        assert_eq!(pat("{institution}/{number:04}", "BTN", 2026, 12345, "TCT"), "TCT/12345");
        assert!("{kind}-{year}-{number:06}".parse::<NumberPattern>().is_ok());
        assert!("{kind}-{year}".parse::<NumberPattern>().is_err());
        assert!("{number}-{nope}".parse::<NumberPattern>().is_err());
        assert!("{number:x}".parse::<NumberPattern>().is_err());
        assert!("{year:06}-{number}".parse::<NumberPattern>().is_err());
        assert!("{number".parse::<NumberPattern>().is_err());
    }
}
