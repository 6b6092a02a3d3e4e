//! The verification login, step by step. Cancellation is handled by the
//! caller dropping this future: the listener closes and the waiting tab is
//! told that the assistant stopped.

use super::callback::{self, Expected};
use super::discovery::{self, ProviderMetadata};
use super::id_token::{self, ExpectedClaims, IdentityClaims};
use super::listener::{Listener, Responder};
use super::request::AuthRequest;
use super::token::{self, TokenRequest};
use super::{
    diagnosis, pages, userinfo, CheckId, CheckResult, LoginConfig, LoginProgress, ProgressFn,
    Verified,
};
use crate::browser::OpenBrowser;
use crate::endpoints::Endpoints;
use crate::error::AppError;
use crate::net::http::Http;
use crate::secret::Secret;

pub(super) async fn run(
    config: &LoginConfig,
    secret: &Secret,
    browser: &dyn OpenBrowser,
    progress: ProgressFn<'_>,
) -> Result<Verified, AppError> {
    progress(LoginProgress::Discovering {
        issuer: config.issuer.clone(),
    });
    let http = Http::new();
    let metadata = discovery::discover(&http, &config.issuer).await?;
    tracing::info!(issuer = %metadata.issuer, "discovery checked");

    let listener = Listener::bind(config.port).await?;
    let port = listener.port();
    let redirect_uri = Endpoints::loopback_redirect_uri(port);
    let request = AuthRequest::new(
        &metadata.authorization_endpoint,
        &config.client_id,
        &redirect_uri,
    )
    .map_err(|e| {
        diagnosis::discovery_invalid(
            &config.issuer,
            &format!("authorization_endpoint is not a URL ({e})"),
        )
    })?;
    let local_url = listener.start_url();
    let mut server = listener.serve(request.url.clone(), request.state.clone());

    let browser_error = browser.open(&local_url).err();
    if let Some(e) = &browser_error {
        tracing::warn!(kind = %e.kind, "the browser did not open; the address is shown instead");
    }
    progress(LoginProgress::WaitingForBrowser {
        url: request.url.clone(),
        local_url,
        redirect_uri: redirect_uri.clone(),
        browser_opened: browser_error.is_none(),
        browser_error,
    });

    let pending = match tokio::time::timeout(config.timeout, server.next_callback()).await {
        Ok(Some(pending)) => pending,
        Ok(None) => {
            return Err(AppError::internal(
                "The loopback listener stopped unexpectedly.",
            ))
        }
        Err(_) => {
            let waited = config.timeout.as_secs().max(1);
            let foreign = server.foreign_callbacks();
            tracing::info!(
                port,
                foreign,
                "no callback of this sign-in before the timeout"
            );
            return Err(if foreign > 0 {
                diagnosis::only_foreign_callbacks(port, waited, foreign)
            } else {
                diagnosis::timeout(port, waited)
            });
        }
    };
    // The outcome is known: stop accepting new connections.
    drop(server);
    let (params, responder) = pending.into_parts();
    tracing::info!(has_code = params.code.is_some(), error = ?params.error, "callback received");

    let result = finish(
        config, secret, &http, &metadata, &request, &params, progress,
    )
    .await;
    answer_tab(responder, &result);
    match &result {
        Ok(verified) => {
            tracing::info!("sign-in verified");
            progress(LoginProgress::Verified {
                email: verified.email.clone(),
            });
        }
        Err(e) => tracing::info!(kind = %e.kind, detail = ?e.detail, "sign-in check failed"),
    }
    result
}

fn answer_tab(responder: Responder, result: &Result<Verified, AppError>) {
    responder.respond(match result {
        Ok(verified) => pages::verified(&verified.email),
        Err(e) => pages::failed(e),
    });
}

async fn finish(
    config: &LoginConfig,
    secret: &Secret,
    http: &Http,
    metadata: &ProviderMetadata,
    request: &AuthRequest,
    params: &callback::CallbackParams,
    progress: ProgressFn<'_>,
) -> Result<Verified, AppError> {
    let code = callback::check_response(
        params,
        Expected {
            state: &request.state,
            issuer: &metadata.issuer,
            iss_required: metadata.iss_parameter_supported,
        },
    )?;
    progress(LoginProgress::CheckingWithProvider);
    let tokens = token::exchange(
        http,
        &TokenRequest {
            token_endpoint: &metadata.token_endpoint,
            client_id: &config.client_id,
            client_secret: secret,
            code: &code,
            pkce_verifier: &request.pkce_verifier,
            redirect_uri: &request.redirect_uri,
        },
    )
    .await?;
    let identity = id_token::verify(
        http,
        &metadata.jwks_uri,
        tokens.id_token.expose(),
        ExpectedClaims {
            issuer: &metadata.issuer,
            client_id: &config.client_id,
            nonce: &request.nonce,
        },
    )
    .await?;
    let (email, email_verified, groups, email_source) = match identity {
        IdentityClaims {
            email: Some(email),
            email_verified,
            groups,
            ..
        } => (email, email_verified, groups, "the sign-in itself"),
        IdentityClaims { ref subject, .. } => {
            let Some(endpoint) = &metadata.userinfo_endpoint else {
                return Err(diagnosis::email_missing());
            };
            let info = userinfo::fetch(http, endpoint, &tokens.access_token, subject).await?;
            let email = info.email.ok_or_else(diagnosis::email_missing)?;
            let groups = if identity.groups.is_empty() {
                info.groups
            } else {
                identity.groups.clone()
            };
            (
                email,
                info.email_verified,
                groups,
                "JumpCloud's user information",
            )
        }
    };
    let checks = proven(metadata, &request.redirect_uri, &email, email_source);
    Ok(Verified {
        issuer: metadata.issuer.clone(),
        subject: identity.subject,
        email,
        email_verified,
        groups,
        checks,
    })
}

fn proven(
    metadata: &ProviderMetadata,
    redirect_uri: &str,
    email: &str,
    email_source: &str,
) -> Vec<CheckResult> {
    let check = |id, label: String| CheckResult { id, label };
    vec![
        check(
            CheckId::Issuer,
            format!(
                "JumpCloud's sign-in service at {} answered and identified itself correctly.",
                metadata.issuer
            ),
        ),
        check(
            CheckId::RedirectUri,
            format!("JumpCloud sent you back to {redirect_uri}: the Redirect URI is registered."),
        ),
        check(
            CheckId::GroupAssignment,
            "JumpCloud let you sign in: you are in a user group assigned to the app.".to_owned(),
        ),
        check(
            CheckId::ClientSecret,
            "The Client ID and Client Secret are correct.".to_owned(),
        ),
        check(
            CheckId::AuthType,
            "The Client Authentication Type accepts Client Secret POST.".to_owned(),
        ),
        check(
            CheckId::IdToken,
            "The identity token is signed by JumpCloud and made for this app.".to_owned(),
        ),
        check(
            CheckId::EmailMapping,
            format!("Your email address ({email}) reaches the app through {email_source}."),
        ),
    ]
}
