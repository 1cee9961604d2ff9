//! Enumerations stored as TEXT (with a CHECK in both migration trees) and read back into Rust enums.

/// Declares an enum whose serde name, SQL text and OpenAPI name are one literal per variant.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                $name::parse(&s).ok_or_else(|| format!("unknown {} value {s:?}", stringify!($name)).into())
            }
        }

        $crate::inventory::submit! {
            $crate::db::types::TextEnum {
                name: stringify!($name),
                texts: || $name::ALL.iter().map(|v| v.as_str()).collect(),
                wire: || $name::ALL.iter().map(|v| serde_json::to_value(v).unwrap_or_default()).collect(),
                read: |v| serde_json::from_value::<$name>(v).ok().map(|e| e.as_str()),
                schema: || <$name as utoipa::PartialSchema>::schema(),
            }
        }
    };
}

/// What every `text_enum!` registers about itself, so one test can walk them all: the SQL
/// texts, what serde writes and reads, and the schema the OpenAPI document shows. The texts are
/// written once in the macro call; the spelling on the wire, in the database and in the document
/// must be that one spelling.
pub struct TextEnum {
    pub name: &'static str,
    pub texts: fn() -> Vec<&'static str>,
    pub wire: fn() -> Vec<serde_json::Value>,
    pub read: fn(serde_json::Value) -> Option<&'static str>,
    pub schema: fn() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
}

inventory::collect!(TextEnum);

/// Every enum declared with `text_enum!`.
pub fn text_enums() -> impl Iterator<Item = &'static TextEnum> {
    inventory::iter::<TextEnum>.into_iter()
}

/// Stores a serde type as JSON in a TEXT column (portable across both backends); the type must
/// derive `diesel::AsExpression` and `diesel::FromSqlRow` with `sql_type = Text`.
#[macro_export]
macro_rules! json_text {
    ($name:ty) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(serde_json::to_string(self)?.as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(serde_json::to_string(self)?);
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $crate::db::MultiBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((diesel::sql_types::Text, self));
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                Ok(serde_json::from_str(&s)?)
            }
        }
    };
}

#[cfg(test)]
mod text_enum_tests {
    use super::*;

    #[test]
    fn every_enum_reads_writes_and_documents_one_spelling() {
        let all: Vec<_> = text_enums().collect();
        assert!(all.len() >= 36, "only {} enums registered", all.len());
        for e in all {
            let texts = (e.texts)();
            let wire: Vec<String> = (e.wire)().iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect();
            assert_eq!(wire, texts, "{}: serde writes what SQL stores", e.name);
            for t in &texts {
                assert_eq!((e.read)(serde_json::json!(t)), Some(*t), "{}: serde reads {t}", e.name);
            }
            let schema = serde_json::to_value((e.schema)()).unwrap();
            let documented: Vec<&str> =
                schema["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(documented, texts, "{}: the schema lists what serde accepts", e.name);
        }
    }
}
