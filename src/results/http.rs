//! `/api/v1/cohorts/{id}/results` and `/api/v1/me/results`.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, LearnerResult};
use crate::auth::{Caller, Role};
use crate::cohorts::store as cohorts;
use crate::db::ids::CohortId;
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(cohort_results).service(my_results);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    pub format: Option<Format>,
}

/// Per learner: module grades (the better sitting), field study, graduation subjects, the
/// average weighted by module hours, the outcome with every reason, and the classification.
/// For administrators and the class's lecturers. Export with `?format=csv|xlsx`.
#[utoipa::path(tag = "results", params(("id" = CohortId, Path), ResultsQuery),
    responses((status = 200, body = Vec<LearnerResult>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/results")]
async fn cohort_results(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    q: web::Query<ResultsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let tz = state.settings.tz();
    let (cohort, rows) = state
        .db
        .read(move |tx| {
            let cohort = cohorts::staff_readable(tx, &caller, id)?;
            let rows = service::for_cohort(tx, &cohort, tz, None)?;
            Ok((cohort, rows))
        })
        .await?;
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => {
            let rows = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    vec![
                        Cell::from(i as i64 + 1),
                        r.learner_name.as_str().into(),
                        r.result.average.map(Cell::from).unwrap_or(Cell::Empty),
                        r.result.classification_name.clone().into(),
                        r.result.outcome.as_str().into(),
                        r.result
                            .reasons
                            .iter()
                            .map(|x| crate::vi::message(&x.message))
                            .collect::<Vec<_>>()
                            .join("; ")
                            .into(),
                    ]
                })
                .collect();
            let headers = vec!["STT", "Họ và tên", "Điểm trung bình", "Xếp loại", "Kết quả", "Lý do"];
            export::respond(f, &Table { name: format!("ket-qua-{}", cohort.code.replace('/', "-")), headers, rows })
        }
        _ => {
            let rows: Vec<_> = rows.into_iter().map(service::LearnerResult::localised).collect();
            Ok(HttpResponse::Ok().json(rows))
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyResult {
    pub cohort_id: CohortId,
    pub cohort_code: String,
    #[serde(flatten)]
    pub result: LearnerResult,
}

/// The caller's own results in each of their classes, from published grades only (learners).
#[utoipa::path(tag = "results", responses((status = 200, body = Vec<MyResult>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/me/results")]
async fn my_results(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if caller.role != Role::Learner {
        return Err(ApiError::Forbidden);
    }
    let tz = state.settings.tz();
    let out = state
        .db
        .read(move |tx| {
            let Some(me) = crate::people::store::learner_of_user(tx, caller.user_id)? else { return Ok(Vec::new()) };
            let mut out = Vec::new();
            for id in cohorts::own_cohorts(tx, &caller)?.unwrap_or_default() {
                let Some(cohort) = cohorts::find(tx, id)? else { continue };
                for r in service::for_cohort(tx, &cohort, tz, Some(me))? {
                    out.push(MyResult { cohort_id: cohort.id, cohort_code: cohort.code.clone(), result: r });
                }
            }
            Ok(out)
        })
        .await?;
    let out: Vec<MyResult> = out.into_iter().map(|m| MyResult { result: m.result.localised(), ..m }).collect();
    Ok(HttpResponse::Ok().json(out))
}
