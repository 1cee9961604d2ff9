//! `/api/v1/programs`: curricula, their lifecycle, new editions, the built-in catalogue and the
//! tier × level setting.

use actix_web::{get, patch, post, put, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{
    refusal, CatalogueOut, CreateProgram, CreateVersion, ProgramFilter, ProgramOut, TierLevel, UpdateProgram,
};
use super::model::title_key;
use super::model::{owner_key, Program, ProgramStatus};
use super::{catalogue, rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::{InstitutionId, ProgramId};
use crate::db::page::Page;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::{ok_versioned, paging, since, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::fold;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_programs)
        .service(create_program)
        .service(load_catalogue)
        .service(get_program)
        .service(update_program)
        .service(publish_program)
        .service(retire_program)
        .service(new_version)
        .service(get_tier_levels)
        .service(put_tier_levels);
}

/// Whether the caller may change `owner`'s programs: system administrators any, institution
/// administrators their scope's own (never national ones).
pub fn check_owner(caller: &Caller, owner: Option<InstitutionId>) -> Result<(), ApiError> {
    match (caller.role, owner) {
        (Role::SystemAdmin, _) => Ok(()),
        (Role::InstitutionAdmin, Some(o)) if caller.scope.contains(o) => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// 409 unless the program is still a draft.
pub fn check_draft(p: &Program) -> Result<(), ApiError> {
    if p.status == ProgramStatus::Draft {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "program_frozen",
            format!("The program is {}: it and its modules are frozen. Start a new edition with POST /api/v1/programs/{}/versions.", p.status, p.id),
        ))
    }
}

pub fn out(tx: &mut DbConn, p: Program) -> Result<ProgramOut, ApiError> {
    let totals = store::totals(tx, &[p.id])?;
    let (h, n) = totals.get(&p.id).copied().unwrap_or_default();
    Ok(ProgramOut::new(p, h, n))
}

/// Programs, with filters; every signed-in user reads them. Export with `?format=csv|xlsx`.
#[utoipa::path(tag = "programs", params(ProgramFilter),
    responses((status = 200, body = Page<ProgramOut>), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/programs")]
async fn list_programs(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<ProgramFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadPrograms)?;
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let limit = page.limit;
    let filter = store::Filter {
        updated_since: since(q.updated_since),
        level: q.level,
        status: q.status,
        owner: q.owner_institution_id,
        national: q.national,
        words: q.q.as_deref().map(fold).unwrap_or_default().split_whitespace().map(str::to_string).collect(),
    };
    let (rows, totals) = state
        .db
        .read(move |c| {
            let rows = store::list(c, &filter, &page)?;
            let ids: Vec<ProgramId> = rows.iter().map(|r| r.id).collect();
            let totals = store::totals(c, &ids)?;
            Ok((rows, totals))
        })
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| {
            let (h, n) = totals.get(&r.id).copied().unwrap_or_default();
            ProgramOut::new(r, h, n)
        },
    );
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => export::respond(f, &program_table(&page.items)),
        _ => Ok(HttpResponse::Ok().json(page)),
    }
}

fn program_table(items: &[ProgramOut]) -> Table {
    Table {
        name: "programs".into(),
        headers: vec![
            "Mã",
            "Tên chương trình",
            "Trình độ",
            "Phiên bản",
            "Văn bằng",
            "Đơn vị sở hữu",
            "Trạng thái",
            "Số học phần",
            "Tổng số tiết",
        ],
        rows: items
            .iter()
            .map(|p| {
                vec![
                    Cell::from(p.code.as_str()),
                    p.title.as_str().into(),
                    p.level.as_str().into(),
                    p.edition.as_str().into(),
                    p.credential.as_str().into(),
                    p.owner_institution_id.map(|o| o.to_string()).into(),
                    p.status.as_str().into(),
                    p.module_count.into(),
                    p.total_hours.into(),
                ]
            })
            .collect(),
    }
}

/// Creates a draft program: national (system administrators) or of an institution in scope.
#[utoipa::path(tag = "programs", request_body = CreateProgram,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = ProgramOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/programs")]
async fn create_program(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateProgram>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/programs", &body);
    let mut f = body.check()?;
    if caller.role == Role::InstitutionAdmin && f.owner.is_none() {
        f.owner = caller.institution_id;
    }
    check_owner(&caller, f.owner)
        .map_err(|_| ApiError::field("owner_institution_id", "you may not create programs for this owner"))?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        if let Some(o) = f.owner {
            crate::institutions::store::get(tx, &c.scope, o)
                .map_err(|_| ApiError::field("owner_institution_id", "no such institution in your scope"))?;
        }
        let key = owner_key(f.owner);
        if store::find_by_key(tx, &key, &f.code, &f.edition)?.is_some() {
            return Err(ApiError::conflict(
                "duplicate_program",
                format!("Program {} edition {} already exists for this owner.", f.code, f.edition),
            ));
        }
        let t = now();
        let row = Program {
            id: ProgramId::new(),
            title_key: title_key(&f.title, &f.code),
            code: f.code,
            title: f.title,
            level: f.level,
            edition: f.edition,
            credential: f.credential,
            owner_institution_id: f.owner,
            owner_key: key,
            description: f.description,
            status: ProgramStatus::Draft,
            previous_id: None,
            rules: f.rules,
            published_at: None,
            retired_at: None,
            version: 1,
            created_at: t,
            updated_at: t,
        };
        store::insert(tx, &row)?;
        let id = row.id;
        Stored::created(format!("/api/v1/programs/{id}"), 1, &ProgramOut::new(row, 0, 0))
    })
    .await
}

/// One program with its rule settings and total hours.
#[utoipa::path(tag = "programs", params(("id" = ProgramId, Path)),
    responses((status = 200, body = ProgramOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/programs/{id}")]
async fn get_program(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadPrograms)?;
    let id = id.into_inner();
    let o = state
        .db
        .read(move |c| {
            let p = store::get(c, id)?;
            out(c, p)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Changes a draft program; `rules` keys are merged onto the current settings.
#[utoipa::path(tag = "programs", request_body = UpdateProgram,
    params(("id" = ProgramId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = ProgramOut), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/programs/{id}")]
async fn update_program(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
    if_match: IfMatch,
    body: JsonBody<UpdateProgram>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let body = body.take()?;
    let (id, body) = (id.into_inner(), body);
    let c = caller.clone();
    let o = audit
        .write(&state.db, move |tx| {
            let cur = store::get(tx, id)?;
            check_owner(&c, cur.owner_institution_id)?;
            if_match.check(cur.version)?;
            check_draft(&cur)?;
            let mut row = body.apply(&cur)?;
            if (row.code != cur.code || row.edition != cur.edition)
                && store::find_by_key(tx, &row.owner_key, &row.code, &row.edition)?.is_some_and(|x| x.id != id)
            {
                return Err(ApiError::conflict(
                    "duplicate_program",
                    "Another program of this owner has this code and edition.",
                ));
            }
            row.title_key = title_key(&row.title, &row.code);
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

async fn transition(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: ProgramId,
    if_match: IfMatch,
    to: ProgramStatus,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let o = audit
        .write(&state.db, move |tx| {
            let cur = store::get(tx, id)?;
            check_owner(&caller, cur.owner_institution_id)?;
            if_match.check(cur.version)?;
            let mut row = cur.clone();
            let t = now();
            match to {
                ProgramStatus::Published => {
                    let refusals = rules::publish_refusals(&cur, &store::modules(tx, id)?);
                    if !refusals.is_empty() {
                        return Err(ApiError::Refused(refusals));
                    }
                    row.published_at = Some(t);
                }
                ProgramStatus::Retired => {
                    if cur.status != ProgramStatus::Published {
                        return Err(refusal(
                            "not_published",
                            format!("Only a published program can be retired; this one is {}.", cur.status),
                        ));
                    }
                    row.retired_at = Some(t);
                }
                ProgramStatus::Draft => return Err(ApiError::not_found()),
            }
            row.status = to;
            row.version = cur.version + 1;
            row.updated_at = t;
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Publishes a draft: its modules and rules are frozen and classes may use it. 422 lists every
/// reason it cannot be published yet.
#[utoipa::path(tag = "programs", params(("id" = ProgramId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = ProgramOut), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/programs/{id}/publish")]
async fn publish_program(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(caller, audit, state, id.into_inner(), if_match, ProgramStatus::Published).await
}

/// Retires a published program: no new classes; classes already running keep it.
#[utoipa::path(tag = "programs", params(("id" = ProgramId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = ProgramOut), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/programs/{id}/retire")]
async fn retire_program(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(caller, audit, state, id.into_inner(), if_match, ProgramStatus::Retired).await
}

/// Starts a new draft edition copied from this program, modules and rules included.
#[utoipa::path(tag = "programs", request_body = CreateVersion, params(("id" = ProgramId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = ProgramOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/programs/{id}/versions")]
async fn new_version(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
    key: IdempotencyKey,
    body: JsonBody<CreateVersion>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/programs/{id}/versions"), &body);
    let b = body.check()?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let src = store::get(tx, id)?;
        let owner = match (b.owner_institution_id, c.role) {
            (Some(o), _) => Some(o),
            (None, Role::InstitutionAdmin) if src.owner_institution_id.is_none() => c.institution_id,
            (None, _) => src.owner_institution_id,
        };
        check_owner(&c, owner)
            .map_err(|_| ApiError::field("owner_institution_id", "you may not own programs for this institution"))?;
        if let Some(o) = owner {
            crate::institutions::store::get(tx, &c.scope, o)
                .map_err(|_| ApiError::field("owner_institution_id", "no such institution in your scope"))?;
        }
        let row = store::copy_as_draft(tx, &src, b, owner)?;
        let o = out(tx, row)?;
        Stored::created(format!("/api/v1/programs/{}", o.id), 1, &o)
    })
    .await
}

/// Loads the built-in catalogue of standard national programs (published, with their modules);
/// programs already there (same code and edition) are left as they are.
#[utoipa::path(tag = "programs", responses((status = 200, body = CatalogueOut)), security(("bearer" = [])))]
#[post("/programs/catalogue")]
async fn load_catalogue(caller: Caller, audit: Audit, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageSettings)?;
    let out = audit.write(&state.db, |tx| catalogue::load(tx, now())).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Which institution tiers may run which levels.
#[utoipa::path(tag = "programs", responses((status = 200, body = Vec<TierLevel>)), security(("bearer" = [])))]
#[get("/settings/tier-levels")]
async fn get_tier_levels(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let rows = state.db.read(|c| Ok(store::tier_levels(c)?)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(|(tier, level)| TierLevel { tier, level }).collect::<Vec<_>>()))
}

/// Replaces the tier × level table (system administrators).
#[utoipa::path(tag = "programs", request_body = Vec<TierLevel>,
    responses((status = 200, body = Vec<TierLevel>), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/settings/tier-levels")]
async fn put_tier_levels(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    body: JsonBody<Vec<TierLevel>>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageSettings)?;
    let body = body.take()?;
    let mut pairs = body;
    pairs.sort();
    pairs.dedup();
    let rows = audit
        .write(&state.db, move |tx| {
            let mut p = Problems::new();
            for (i, pair) in pairs.iter().enumerate() {
                if !crate::institutions::store::tier_exists(tx, &pair.tier)? {
                    p.add(&format!("[{i}].tier"), "is not a known tier");
                }
            }
            p.finish(())?;
            let v: Vec<(String, super::model::Level)> = pairs.into_iter().map(|x| (x.tier, x.level)).collect();
            store::replace_tier_levels(tx, &v)?;
            Ok(store::tier_levels(tx)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(|(tier, level)| TierLevel { tier, level }).collect::<Vec<_>>()))
}
