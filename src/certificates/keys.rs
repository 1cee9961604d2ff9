//! Each institution's Ed25519 signing keys: created on first use, rotated on request; retired
//! keys stay published so that what they signed still verifies. Secret keys never leave the
//! server: no endpoint returns them.

use diesel::prelude::*;

use super::facts::new_key_pair;
use super::model::SigningKey;
use crate::db::dialect::lock_keys;
use crate::db::ids::{InstitutionId, KeyId};
use crate::db::schema::signing_keys as sk;
use crate::db::{now, DbConn};

pub const ALGORITHM: &str = "Ed25519";

/// The key `institution` signs with now, made on first use.
pub fn active(tx: &mut DbConn, institution: InstitutionId) -> QueryResult<SigningKey> {
    lock_keys(tx, &[format!("signing-key:{institution}")])?;
    match current(tx, institution)? {
        Some(k) => Ok(k),
        None => create(tx, institution),
    }
}

fn create(tx: &mut DbConn, institution: InstitutionId) -> QueryResult<SigningKey> {
    let (public_key, secret_key) = new_key_pair();
    let row = SigningKey {
        id: KeyId::default(),
        institution_id: institution,
        algorithm: ALGORITHM.into(),
        public_key,
        secret_key,
        created_at: now(),
        retired_at: None,
    };
    diesel::insert_into(sk::table).values(&row).execute(tx)?;
    Ok(row)
}

/// Retires the key in use and makes a new one; what the old key signed still verifies.
pub fn rotate(tx: &mut DbConn, institution: InstitutionId) -> QueryResult<SigningKey> {
    lock_keys(tx, &[format!("signing-key:{institution}")])?;
    diesel::update(sk::table.filter(sk::institution_id.eq(institution)).filter(sk::retired_at.is_null()))
        .set(sk::retired_at.eq(now()))
        .execute(tx)?;
    create(tx, institution)
}

pub fn find(conn: &mut DbConn, id: KeyId) -> QueryResult<Option<SigningKey>> {
    sk::table.find(id).select(SigningKey::as_select()).first(conn).optional()
}

/// Every key, oldest first, with the secret part blanked.
pub fn all_public(conn: &mut DbConn) -> QueryResult<Vec<SigningKey>> {
    let rows = sk::table.order((sk::created_at, sk::id)).select(SigningKey::as_select()).load(conn)?;
    Ok(blanked(rows))
}

/// The keys of one institution, oldest first, with the secret part blanked.
pub fn public_of(conn: &mut DbConn, institution: InstitutionId) -> QueryResult<Vec<SigningKey>> {
    let rows = sk::table
        .filter(sk::institution_id.eq(institution))
        .order((sk::created_at, sk::id))
        .select(SigningKey::as_select())
        .load(conn)?;
    Ok(blanked(rows))
}

/// The key `institution` signs with now, if it has one (nothing is created).
pub fn current(conn: &mut DbConn, institution: InstitutionId) -> QueryResult<Option<SigningKey>> {
    sk::table
        .filter(sk::institution_id.eq(institution))
        .filter(sk::retired_at.is_null())
        .select(SigningKey::as_select())
        .first(conn)
        .optional()
}

/// Keys as they may be shown: the secret part blanked.
fn blanked(rows: Vec<SigningKey>) -> Vec<SigningKey> {
    rows.into_iter().map(|k| SigningKey { secret_key: String::new(), ..k }).collect()
}
