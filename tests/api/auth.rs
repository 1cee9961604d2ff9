use actix_web::http::Method;
use serde_json::json;

use crate::db_test;
use crate::support::{TestApp, ADMIN_EMAIL, PASSWORD};

db_test!(login_me_logout);
async fn login_me_logout(app: TestApp) {
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": " ROOT@llct.test ", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["user"]["role"], "system_admin");
    assert!(r.body["expires_at"].as_str().unwrap().ends_with('Z'));
    let token = r.body["access_token"].as_str().unwrap().to_string();

    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], ADMIN_EMAIL);
    assert!(me.body.get("password_hash").is_none());

    let out = app.call(Method::POST, "/api/v1/auth/logout", Some(&token), None).await;
    assert_eq!(out.status, 204);
    app.get("/api/v1/me", &token).await.assert_problem(401, "unauthorized");
    // The other session is untouched.
    assert_eq!(app.get("/api/v1/me", &app.root).await.status, 200);
}

db_test!(failures_do_not_reveal_accounts);
async fn failures_do_not_reveal_accounts(app: TestApp) {
    let wrong = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": "sai mật khẩu rồi"})),
        )
        .await;
    let unknown = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@llct.test", "password": "sai mật khẩu rồi"})),
        )
        .await;
    wrong.assert_problem(401, "unauthorized");
    unknown.assert_problem(401, "unauthorized");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);

    let missing = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({}))).await;
    missing.assert_problem(400, "validation");
    assert_eq!(missing.error_fields(), vec!["email", "password"]);

    for bad in ["Bearer", "Basic abc", "Bearer nonsense-token", "bearer "] {
        let r = app.call_with(Method::GET, "/api/v1/me", None, None, &[("authorization", bad)]).await;
        r.assert_problem(401, "unauthorized");
    }
    app.call(Method::GET, "/api/v1/me", None, None).await.assert_problem(401, "unauthorized");
}

db_test!(login_is_rate_limited);
async fn login_is_rate_limited(app: TestApp) {
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let r = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "victim@llct.test", "password": "đoán mò mật khẩu"})),
            )
            .await;
        statuses.push(r.status);
        last = Some(r);
    }
    // The first five attempts within a minute are answered, then 429 with Retry-After.
    assert_eq!(&statuses[..5], &[401; 5]);
    assert_eq!(statuses[5], 429);
    let last = last.unwrap();
    last.assert_problem(429, "rate-limited");
    let wait: u64 = last.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another account from the same client is not blocked by this one's attempts.
    let r = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": ADMIN_EMAIL, "password": PASSWORD})))
        .await;
    assert_eq!(r.status, 200);
}

db_test!(expired_and_revoked_tokens);
async fn expired_and_revoked_tokens(app: TestApp) {
    use llct::auth::{store, tokens};
    let (user_id, token) = app.user("system_admin", None).await;
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.status, 200);

    // A token whose expiry has passed.
    let expired = tokens::generate();
    let hash = tokens::hash(&expired);
    let uid = user_id.parse().unwrap();
    app.state
        .db
        .write(move |tx| {
            let past = llct::db::now() - chrono::Duration::hours(2);
            Ok(store::insert_token(tx, uid, &hash, past, past + chrono::Duration::hours(1))?)
        })
        .await
        .unwrap();
    app.get("/api/v1/me", &expired).await.assert_problem(401, "unauthorized");

    // Disabling the account revokes its tokens and refuses new logins.
    let r = app.patch(&format!("/api/v1/users/{user_id}"), &app.root, json!({"status": "disabled"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.get("/api/v1/me", &token).await.assert_problem(401, "unauthorized");
    let email = me.body["email"].as_str().unwrap();
    let again =
        app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": PASSWORD}))).await;
    again.assert_problem(401, "unauthorized");

    // Re-enabled, and the password reset by an administrator: old password refused, new one works.
    let r = app
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &app.root,
            json!({"status": "active", "password": "một mật khẩu mới hẳn"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let old =
        app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": PASSWORD}))).await;
    assert_eq!(old.status, 401);
    app.login(email, "một mật khẩu mới hẳn").await;
}

db_test!(change_password_and_sign_out_everywhere);
async fn change_password_and_sign_out_everywhere(app: TestApp) {
    let (uid, first) = app.user("system_admin", None).await;
    let email = app.get("/api/v1/me", &first).await.body["email"].as_str().unwrap().to_string();
    let second = app.login(&email, PASSWORD).await;
    let r = app
        .post(
            "/api/v1/me/password",
            &first,
            json!({"current_password": "sai rồi", "new_password": "một mật khẩu mới dài"}),
        )
        .await;
    r.assert_problem(422, "refused");
    let r = app
        .post("/api/v1/me/password", &first, json!({"current_password": PASSWORD, "new_password": "password123"}))
        .await;
    r.assert_problem(400, "validation");
    let r = app
        .post(
            "/api/v1/me/password",
            &first,
            json!({"current_password": PASSWORD, "new_password": "một mật khẩu mới dài"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    // The session that changed it stays; the other one is signed out; the new password works.
    assert_eq!(app.get("/api/v1/me", &first).await.status, 200);
    app.get("/api/v1/me", &second).await.assert_problem(401, "unauthorized");
    let third = app.login(&email, "một mật khẩu mới dài").await;

    // An administrator signs an account out everywhere.
    let r = app.call(Method::POST, &format!("/api/v1/users/{uid}/sign-out"), Some(&app.root), None).await;
    assert_eq!(r.status, 204);
    app.get("/api/v1/me", &first).await.assert_problem(401, "unauthorized");
    app.get("/api/v1/me", &third).await.assert_problem(401, "unauthorized");
    // A role cannot be set through one's own account: there is no such field.
    let r = app
        .patch(
            &format!("/api/v1/users/{uid}"),
            &app.login(&email, "một mật khẩu mới dài").await,
            json!({"full_name": "X"}),
        )
        .await;
    assert_eq!(r.status, 200);
}

db_test!(a_token_revoked_elsewhere_stops_within_the_cache_time, [("LLCT__AUTH__CALLER_CACHE_SECS", "1")]);
/// A signed-in caller is remembered between requests; another replica's revocation (written
/// straight to the shared database here) is seen within `auth.caller_cache_secs`, and at once
/// after any write through this service.
async fn a_token_revoked_elsewhere_stops_within_the_cache_time(app: TestApp) {
    use diesel::prelude::*;
    use llct::db::schema::auth_tokens as t;
    let revoke_elsewhere = |token: &str| {
        let hash = llct::auth::tokens::hash(token);
        let mut conn = app.state.db.conn().unwrap();
        let n = diesel::update(t::table.filter(t::token_hash.eq(hash)))
            .set(t::revoked_at.eq(llct::db::now()))
            .execute(&mut *conn)
            .unwrap();
        assert_eq!(n, 1);
    };
    let (_, token) = app.user("system_admin", None).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status, 200);
    revoke_elsewhere(&token);
    assert_eq!(app.get("/api/v1/me", &token).await.status, 200, "remembered: nothing written here since");
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.get("/api/v1/me", &token).await.assert_problem(401, "unauthorized");

    let (_, other) = app.user("system_admin", None).await;
    assert_eq!(app.get("/api/v1/me", &other).await.status, 200);
    revoke_elsewhere(&other);
    // Any write through this service forgets every remembered caller.
    let r = app
        .post(
            "/api/v1/institutions",
            &app.root,
            json!({"code": "C1", "name": "Trường Chính trị", "tier": "provincial_school"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.get("/api/v1/me", &other).await.assert_problem(401, "unauthorized");
}
