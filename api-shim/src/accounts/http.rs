//! The accounts endpoints: extract, call the rules in `mod.rs`, shape the answer; and the
//! extractor of the signed-in user. Cookies are read and
//! written with the `cookie` crate (through `axum-extra`).

use axum::{
    Form,
    extract::{
        FromRequestParts, Query, State,
        rejection::{FormRejection, QueryRejection},
    },
    http::{
        HeaderMap, StatusCode,
        header::{LOCATION, SET_COOKIE},
        request::Parts,
    },
    response::{AppendHeaders, IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hako_protocol::{
    AuthProvider, AuthProviders, ChangeEmail, ChangeEmailVerify, ChangePassword, CodeSent,
    Credentials, ErrorBody, Me, PasswordResetRequest, PasswordResetVerify, RegisterLicense,
    VerifyCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    AccountsError, CurrentUser, SESSION_COOKIE, codes, license_keys, oidc, session,
    session::Timeouts,
};
use crate::{
    AppState,
    http::{
        client_ip::ClientIp,
        error::{ApiError, ApiJson, ApiPath, ApiResult},
    },
};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(signup_verify))
        .routes(routes!(signin))
        .routes(routes!(signout))
        .routes(routes!(password_reset))
        .routes(routes!(password_reset_verify))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(change_email))
        .routes(routes!(change_email_verify))
        .routes(routes!(providers))
        .routes(routes!(oidc_start))
        .routes(routes!(oidc_callback, oidc_form_post))
        .routes(routes!(register_license))
}

/// A `Set-Cookie` value for an HttpOnly, SameSite=Lax cookie, `Secure` behind https.
fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    path: &'static str,
    max_age: u64,
) -> String {
    Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(
            i64::try_from(max_age).unwrap_or(i64::MAX),
        ))
        .secure(state.config.secure_cookies())
        .build()
        .to_string()
}

fn session_cookie(state: &AppState, token: String) -> String {
    cookie(
        state,
        SESSION_COOKIE,
        token,
        "/",
        state.config.session_absolute.as_secs(),
    )
}

/// The session token the request carries, if any.
fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|cookie| cookie.value().to_owned())
}

/// Starts a session for `user_id`, replacing the one the request came with; its `Set-Cookie`.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> Result<String, AccountsError> {
    let replacing = session_token(headers);
    let token = session::start(&state.db, state.clock.now(), user_id, replacing.as_deref()).await?;
    Ok(session_cookie(state, token))
}

fn code_sent() -> (StatusCode, ApiJson<CodeSent>) {
    (
        StatusCode::ACCEPTED,
        ApiJson(CodeSent {
            expires_in_secs: codes::CODE_TTL_SECS as u64,
            resend_after_secs: codes::RESEND_INTERVAL_SECS as u64,
        }),
    )
}

/// Starts a session for `user_id`, replacing the one the request came with.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> ApiResult<impl IntoResponse + use<>> {
    let cookie = start_session(state, headers, user_id).await?;
    let me = super::me(&state.db, state.clock.now(), user_id).await?;
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), ApiJson(me)))
}

/// Step 1 of sign-up: mails a 6-digit code. The answer does not say whether the address has an account.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "accounts", request_body = Credentials,
    responses(
        (status = 202, description = "A code was mailed (or the address was told it already has an account)", body = CodeSent),
        (status = 400, description = "Invalid address or password", body = ErrorBody),
        (status = 429, description = "Sent too recently or too often (SPEC A2)", body = ErrorBody)))]
async fn signup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<impl IntoResponse> {
    super::request_signup(&state, body).await?;
    Ok(code_sent())
}

/// Step 2 of sign-up: the mailed code creates the account and signs it in. A license key
/// from the sign-up link makes it an unlimited member at once (SPEC V2, A3); a key that cannot
/// be registered leaves it a free member (`member` in the answer says which).
#[utoipa::path(post, path = "/api/v1/auth/signup/verify", tag = "accounts", request_body = VerifyCode,
    responses(
        (status = 200, description = "Account created; session cookie set", body = Me),
        (status = 400, description = "Wrong or dead code", body = ErrorBody)))]
async fn signup_verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<VerifyCode>,
) -> ApiResult<impl IntoResponse> {
    let user_id = super::verify_signup(&state, body, &ip.to_string()).await?;
    signed_in(&state, &headers, user_id).await
}

/// Signs in with email and password. Failures are throttled per address and per client.
#[utoipa::path(post, path = "/api/v1/auth/signin", tag = "accounts", request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; session cookie set", body = Me),
        (status = 401, description = "Wrong address or password", body = ErrorBody),
        (status = 429, description = "Too many failures", body = ErrorBody)))]
async fn signin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<impl IntoResponse> {
    let user_id = super::sign_in(&state, body, &ip.to_string()).await?;
    signed_in(&state, &headers, user_id).await
}

/// Ends the session on the server and clears the cookie. Safe to call when signed out.
#[utoipa::path(post, path = "/api/v1/auth/signout", tag = "accounts",
    responses(
        (status = 204, description = "Signed out"),
        (status = 500, description = "The session could not be ended (`internal`)", body = ErrorBody)))]
async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    if let Some(token) = session_token(&headers) {
        session::end(&state.db, &token).await?;
    }
    let clearing = cookie(&state, SESSION_COOKIE, String::new(), "/", 0);
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, clearing)]),
    ))
}

/// Mails a password-reset code. The answer does not say whether the address has an account.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "A code was mailed if the address has an account", body = CodeSent),
        (status = 400, description = "Invalid address", body = ErrorBody),
        (status = 429, description = "Sent too recently or too often (SPEC A2)", body = ErrorBody)))]
async fn password_reset(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> ApiResult<impl IntoResponse> {
    super::request_password_reset(&state, &body.email).await?;
    Ok(code_sent())
}

/// Sets a new password with the mailed code, ends all the account's sessions and signs in anew.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/verify", tag = "accounts", request_body = PasswordResetVerify,
    responses(
        (status = 200, description = "Password changed; other sessions ended; session cookie set", body = Me),
        (status = 400, description = "Wrong or dead code, or a password that breaks the rules", body = ErrorBody)))]
async fn password_reset_verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordResetVerify>,
) -> ApiResult<impl IntoResponse> {
    let user_id = super::reset_password(&state, body).await?;
    signed_in(&state, &headers, user_id).await
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("session_cookie" = [])),
    responses(
        (status = 200, body = Me)))]
async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Me>> {
    Ok(ApiJson(
        super::me(&state.db, state.clock.now(), user.id).await?,
    ))
}

/// Changes the password (SPEC V17, A5). The account's other browser sessions end; this one
/// stays. Phones' device tokens stay valid: a phone signs in with the password only once.
/// Wrong current passwords count toward the sign-in throttle. Web sessions only.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "accounts",
    security(("session_cookie" = [])), request_body = ChangePassword,
    responses(
        (status = 204, description = "Password changed; the account's other sessions ended"),
        (status = 400, description = "Wrong current password, or a new one that breaks the rules", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords", body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    super::change_password(&state, &user, body, &ip.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Step 1 of changing the user ID (SPEC V17): with the current password, mails a code to the
/// new address. The answer does not reveal whether that address has an account. Web sessions only.
#[utoipa::path(post, path = "/api/v1/account/email", tag = "accounts",
    security(("session_cookie" = [])), request_body = ChangeEmail,
    responses(
        (status = 202, description = "A code was mailed to the new address", body = CodeSent),
        (status = 400, description = "Invalid address, the current one, or a wrong password", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords, or codes sent too recently or too often (SPEC A2)", body = ErrorBody)))]
async fn change_email(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<ChangeEmail>,
) -> ApiResult<impl IntoResponse> {
    super::request_email_change(&state, &user, body, &ip.to_string()).await?;
    Ok(code_sent())
}

/// Step 2: the mailed code makes the new address the user ID; the old address is told.
/// Sessions stay; the next sign-in uses the new address. Web sessions only.
#[utoipa::path(post, path = "/api/v1/account/email/verify", tag = "accounts",
    security(("session_cookie" = [])), request_body = ChangeEmailVerify,
    responses(
        (status = 200, description = "The user ID is the new address", body = Me),
        (status = 400, description = "Wrong or dead code", body = ErrorBody),
        (status = 409, description = "The address belongs to another account", body = ErrorBody)))]
async fn change_email_verify(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<ChangeEmailVerify>,
) -> ApiResult<ApiJson<Me>> {
    Ok(ApiJson(super::change_email(&state, &user, body).await?))
}

/// The providers this server signs in with (SPEC V1); the app offers a button for each.
#[utoipa::path(get, path = "/api/v1/auth/providers", tag = "accounts",
    responses((status = 200, description = "Configured providers, Google before Apple", body = AuthProviders)))]
async fn providers(State(state): State<AppState>) -> ApiJson<AuthProviders> {
    ApiJson(AuthProviders {
        providers: state.oidc.configured(),
    })
}

/// Sign-in (and sign-up) with Google or Apple, step 1: sends the browser to the provider.
/// A provider that is not configured does not exist (404); one that cannot be reached sends
/// the browser to `/signin?error=oidc_failed`, since this is a page load, not an API call.
#[utoipa::path(get, path = "/api/v1/auth/oidc/{provider}/start", tag = "accounts",
    params(("provider" = AuthProvider, Path, description = "`google` or `apple`")),
    responses(
        (status = 302, description = "To the provider's sign-in page"),
        (status = 303, description = "The provider could not be reached: to `/signin?error=<code>`"),
        (status = 404, description = "No such provider configured", body = ErrorBody)))]
async fn oidc_start(State(state): State<AppState>, ApiPath(provider): ApiPath<String>) -> Response {
    match oidc::begin(&state, &provider).await {
        Ok((location, login_state)) => {
            let binding = cookie(
                &state,
                oidc::STATE_COOKIE,
                login_state,
                oidc::STATE_COOKIE_PATH,
                oidc::LOGIN_TTL_SECS as u64,
            );
            (
                StatusCode::FOUND,
                [(LOCATION, location), (SET_COOKIE, binding)],
            )
                .into_response()
        }
        Err(error @ AccountsError::NoSuchProvider) => ApiError::from(error).into_response(),
        Err(error) => ApiError::from(error).redirect_to("/signin"),
    }
}

/// Step 2: the provider sends the browser back here (Google: query). Signs in with a new
/// session and goes to `/`, or `/signup/done` for a new account; on failure to
/// `/signin?error=<code>`.
#[utoipa::path(get, path = "/api/v1/auth/oidc/{provider}/callback", tag = "accounts",
    params(("provider" = AuthProvider, Path, description = "`google` or `apple`"), oidc::Callback),
    responses((status = 303, description = "Signed in (session cookie set) and sent to `/` or `/signup/done`; or sent to `/signin?error=<code>`")))]
async fn oidc_callback(
    State(state): State<AppState>,
    ApiPath(provider): ApiPath<String>,
    headers: HeaderMap,
    query: Result<Query<oidc::Callback>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(fields) =
            query.map_err(|error| AccountsError::OidcFailed(anyhow::anyhow!("{error}")))?;
        let bound = cookie_value(&headers, oidc::STATE_COOKIE);
        let signed_in = oidc::finish(&state, &provider, fields, bound).await?;
        let session = start_session(&state, &headers, signed_in.user_id).await?;
        let page = if signed_in.created {
            "/signup/done"
        } else {
            "/"
        };
        // The binding cookie's sign-in is over.
        let unbind = cookie(
            &state,
            oidc::STATE_COOKIE,
            String::new(),
            oidc::STATE_COOKIE_PATH,
            0,
        );
        let cookies = [(SET_COOKIE, session), (SET_COOKIE, unbind)];
        Ok::<_, AccountsError>((AppendHeaders(cookies), Redirect::to(page)))
    }
    .await;
    result.map_or_else(
        |error| ApiError::from(error).redirect_to("/signin"),
        IntoResponse::into_response,
    )
}

/// Step 2 for Apple, which posts the answer cross-site (`response_mode=form_post`): no
/// session cookie rides on that POST, so it goes on to the GET callback with the same fields,
/// a top-level navigation that carries the cookie. The login state itself is kept on the
/// server, keyed by `state`, and `state` is what stops forged posts.
#[utoipa::path(post, path = "/api/v1/auth/oidc/{provider}/callback", tag = "accounts",
    params(("provider" = AuthProvider, Path, description = "`google` or `apple`")),
    request_body(content = oidc::Callback, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "On to the GET callback with the same fields; or to `/signin?error=<code>`")))]
async fn oidc_form_post(
    State(state): State<AppState>,
    ApiPath(provider): ApiPath<String>,
    form: Result<Form<oidc::Callback>, FormRejection>,
) -> Response {
    let result = form
        .map_err(|error| AccountsError::OidcFailed(anyhow::anyhow!("{error}")))
        .and_then(|Form(fields)| oidc::callback_url(&state, &provider, &fields));
    match result {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(error) => ApiError::from(error).redirect_to("/signin"),
    }
}

/// Registers a license key on the signed-in account, which becomes an unlimited member
/// (SPEC A3, V17). The same key again on the same account changes nothing. Web sessions only:
/// a phone's token cannot change what the account is.
// The operation keeps the id it had when this handler lived in `license.rs`.
#[utoipa::path(post, path = "/api/v1/account/license", tag = "accounts", operation_id = "register",
    security(("session_cookie" = [])), request_body = RegisterLicense,
    responses(
        (status = 200, description = "The key belongs to this account; it is an unlimited member", body = Me),
        (status = 400, description = "Wrong, used, cancelled or revoked key (one answer for all)", body = ErrorBody),
        (status = 429, description = "Too many wrong keys from this account or client", body = ErrorBody)))]
async fn register_license(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<RegisterLicense>,
) -> ApiResult<ApiJson<Me>> {
    license_keys(&state)
        .register(user.id, &body.key, &ip.to_string())
        .await?;
    Ok(ApiJson(
        super::me(&state.db, state.clock.now(), user.id).await?,
    ))
}

/// The signed-in account, from the session cookie. Absent or expired → 401.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_in = match session_token(&parts.headers) {
            Some(token) => {
                session::resolve(
                    &state.db,
                    state.clock.now(),
                    &Timeouts::of(&state.config),
                    &token,
                )
                .await?
            }
            None => None,
        };
        signed_in.ok_or_else(|| ApiError::from(AccountsError::SignedOut))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header::COOKIE};

    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("theme=dark; hako_session=abc"),
        );
        headers.append(COOKIE, HeaderValue::from_static("other=1"));
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        assert_eq!(session_token(&HeaderMap::new()), None);
    }
}
