//! Form pieces every page uses: labelled fields, the error box, the submit button.

use leptos::{html, prelude::*};

use crate::{
    api::ClientError,
    i18n::{COMMON, CommonTexts, I18n, use_i18n, use_texts},
};

/// Hands a form action's answer on: `ok` gets a success, `error` shows a failure.
pub fn follow<I: 'static, T: Clone + Send + Sync + 'static>(
    action: Action<I, Result<T, ClientError>>,
    error: RwSignal<Option<ClientError>>,
    ok: impl Fn(T) + 'static,
) {
    Effect::new(move |_| match action.value().get() {
        Some(Ok(answer)) => ok(answer),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
}

/// A labelled input bound to `value`. Password fields get a show/hide switch, which
/// people typing long passwords on a phone keyboard need.
#[component]
pub fn Field(
    #[prop(into)] label: TextProp,
    value: RwSignal<String>,
    #[prop(into)] id: String,
    #[prop(into)] testid: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<TextProp>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] focus: bool,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let input = NodeRef::<html::Input>::new();
    if focus {
        Effect::new(move |_| {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        });
    }
    let is_password = kind == "password";
    let shown = RwSignal::new(false);
    let hint_id = format!("{id}-hint");
    let label_for = id.clone();
    let name = id.clone();
    let toggle_testid = format!("{testid}-toggle");
    view! {
        <div class="field">
            <label for=label_for>{move || label.get()}</label>
            <div class="input-row">
                <input
                    node_ref=input
                    id=id
                    name=name
                    data-testid=testid
                    type=move || if is_password && shown.get() { "text" } else { kind }
                    autocomplete=autocomplete
                    inputmode=inputmode
                    aria-describedby=hint.as_ref().map(|_| hint_id.clone())
                    spellcheck="false"
                    autocapitalize="off"
                    required
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                {is_password.then(|| view! {
                    <button
                        type="button"
                        class="reveal"
                        data-testid=toggle_testid
                        aria-pressed=move || shown.get().to_string()
                        on:click=move |_| shown.update(|s| *s = !*s)
                    >
                        {move || if shown.get() { common().hide_password } else { common().show_password }}
                    </button>
                })}
            </div>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{move || hint.get()}</p> })}
        </div>
    }
}

/// What went wrong and what to do next, in the user's language; the machine code follows
/// in small type for support (UI.md).
#[component]
pub fn ErrorMessage(
    error: RwSignal<Option<ClientError>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || error.with(Option::is_some)>
            <div class="alert" role="alert" data-testid=testid.clone()>
                {move || error.get().map(|error| describe(&error, i18n))}
            </div>
        </Show>
    }
}

fn describe(error: &ClientError, i18n: I18n) -> impl IntoView + use<> {
    let lang = i18n.lang.get();
    let t = COMMON.get(lang);
    match error {
        ClientError::Network => view! { <p>{t.network_error}</p> }.into_any(),
        ClientError::Api(body) => {
            let attempts = body
                .attempts_left
                .map(|left| format!("{}: {left}", t.attempts_left));
            let retry = body
                .retry_after_secs
                .map(|secs| format!("{}: {}", t.retry_in, duration(secs, t)));
            let code = serde_json::to_value(body.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            view! {
                <p>{body.code.message(lang)}</p>
                {attempts.map(|a| view! { <p class="alert-detail" data-testid="error-attempts-left">{a}</p> })}
                {retry.map(|r| view! { <p class="alert-detail">{r}</p> })}
                <p class="alert-code">{t.error_code_label}": "{code}</p>
            }
            .into_any()
        }
    }
}

/// "5分" / "45秒" — rounded up, so the user never tries a moment too early.
pub fn duration(secs: u64, t: &CommonTexts) -> String {
    if secs >= 60 {
        format!("{} {}", secs.div_ceil(60), t.minutes)
    } else {
        format!("{secs} {}", t.seconds)
    }
}

#[component]
pub fn SubmitButton(
    #[prop(into)] label: TextProp,
    pending: Signal<bool>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <button type="submit" class="btn primary" data-testid=testid disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()>
            <Show when=move || pending.get()>
                <span class="spinner" aria-hidden="true"></span>
            </Show>
            {move || label.get()}
        </button>
    }
}
