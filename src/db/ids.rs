//! Typed ids: UUID v7 stored as hyphenated TEXT (readable in psql and sqlite3, time-ordered so
//! keyset pages follow creation order). One newtype per table keeps ids from being mixed up.

/// Declares `pub struct $name(Uuid)` with the SQL, serde and OpenAPI impls an id needs.
#[macro_export]
macro_rules! typed_id {
    ($name:ident) => {
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
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn new() -> Self {
                $name(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map($name)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid)))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                write!(out, "{}", self.0.hyphenated())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.0.hyphenated().to_string());
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
                Ok($name(uuid::Uuid::parse_str(&s)?))
            }
        }
    };
}

typed_id!(InstitutionId);
typed_id!(UserId);
typed_id!(TokenId);
typed_id!(ProgramId);
typed_id!(ModuleId);
typed_id!(LearnerId);
typed_id!(LecturerId);
typed_id!(CohortId);
typed_id!(EnrollmentId);
typed_id!(AssignmentId);
typed_id!(SessionId);
typed_id!(EventId);
typed_id!(AttendanceId);
typed_id!(MakeupId);
typed_id!(FieldTripId);
typed_id!(ReportId);
typed_id!(AttendanceChangeId);
typed_id!(ExamId);
typed_id!(GradeId);
typed_id!(GradeChangeId);
typed_id!(AppealId);
typed_id!(ConductId);
typed_id!(CertificateId);
typed_id!(KeyId);
typed_id!(RegisterEntryId);
typed_id!(JobRunId);
typed_id!(MessageId);
typed_id!(SendingUnitId);
typed_id!(LearnerMergeId);
typed_id!(CredentialRecordId);
typed_id!(RuleSetId);
typed_id!(TrainingPlanId);
typed_id!(InspectionId);
typed_id!(NominationId);
typed_id!(NominatedPersonId);
