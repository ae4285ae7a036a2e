//! 管理者 (SPEC C1, main admin only): the company's admins; adding a sub-admin (an existing
//! account at once, a new address by invitation) and removing one after a confirmation.

use hako_protocol::{AdminRole, CorpAdmin, CorpAdminMe, ErrorCode, NewAdmin};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::refused;
use crate::{
    api::{self, ClientError},
    components::{
        dialog::Dialog,
        form::{ErrorMessage, Field, SubmitButton},
    },
    i18n::{COMMON, CORP, japan_time, use_texts},
};

#[component]
pub fn CorpAdmins() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let me = expect_context::<CorpAdminMe>();
    if me.role != AdminRole::Main {
        return view! {
            <section class="corp-card" data-testid="corp-admins">
                <ErrorMessage error=RwSignal::new(refused(ErrorCode::MainAdminOnly)) testid="corp-admins-denied"/>
            </section>
        }
        .into_any();
    }
    let version = RwSignal::new(0u32);
    let admins = LocalResource::new(move || {
        version.track();
        api::corp::admins()
    });
    let removing = RwSignal::new(None::<CorpAdmin>);
    let error = RwSignal::new(None::<ClientError>);
    let my_id = me.admin_id.clone();
    let rows = move || {
        match admins.get() {
        None => view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-admins-error"/> }.into_any(),
        Some(Ok(list)) => view! {
            <table class="corp-table" data-testid="corp-admins-table">
                <thead><tr>
                    <th scope="col">{move || texts().name}</th>
                    <th scope="col">{move || texts().col_admin_id}</th>
                    <th scope="col">{move || texts().col_role}</th>
                    <th scope="col">{move || texts().col_added}</th>
                    <th scope="col"><span class="visually-hidden">{move || texts().remove}</span></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|admin| {
                        let me = admin.admin_id == my_id;
                        let role = admin.role;
                        let stored = StoredValue::new(admin.clone());
                        let label_name = admin.name.clone();
                        view! {
                            <tr data-testid="corp-admin-row" data-admin-id=admin.admin_id.clone()>
                                <td data-label=move || texts().name>{admin.name.clone()}{me.then(|| view! { <small>{move || texts().you}</small> })}</td>
                                <td data-label=move || texts().col_admin_id class="corp-id">{admin.admin_id.clone()}</td>
                                <td data-label=move || texts().col_role>{move || match role {
                                    AdminRole::Main => texts().role_main,
                                    AdminRole::Sub => texts().role_sub,
                                }}</td>
                                <td data-label=move || texts().col_added class="corp-time">{japan_time(&admin.added_at)}</td>
                                <td class="corp-row-action">
                                    {(role == AdminRole::Sub).then(|| view! {
                                        <button type="button" class="btn ghost danger" data-testid="corp-admin-remove"
                                            aria-label=move || texts().remove_label.replace("{name}", &label_name)
                                            on:click=move |_| removing.set(Some(stored.get_value()))>{move || texts().remove}</button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };
    view! {
        <section class="corp-card" aria-labelledby="corp-admins-title" data-testid="corp-admins">
            <h2 id="corp-admins-title">{move || texts().admins}</h2>
            <p class="corp-lead">{move || texts().admins_lead}</p>
            <ErrorMessage error=error testid="corp-admin-remove-error"/>
            {rows}
            <AddAdmin version=version/>
        </section>
        <Show when=move || removing.with(Option::is_some)>
            <ConfirmRemove removing=removing version=version error=error/>
        </Show>
    }
    .into_any()
}

#[component]
fn AddAdmin(version: RwSignal<u32>) -> impl IntoView {
    let texts = use_texts(&CORP);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ClientError>);
    let added = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        added.set(None);
        busy.set(true);
        let new = NewAdmin {
            email: email.get_untracked(),
            name: name.get_untracked(),
        };
        spawn_local(async move {
            match api::corp::add_admin(&new).await {
                Ok(admin) => {
                    added.set(Some(admin.name));
                    email.set(String::new());
                    name.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="corp-add">
            <h3>{move || texts().add_heading}</h3>
            <p class="corp-hint">{move || texts().add_explain}</p>
            <form on:submit=submit novalidate>
                <Field label=move || texts().email value=email id="corp-new-admin-email" testid="corp-new-admin-email" kind="email" autocomplete="email"/>
                <Field label=move || texts().name value=name id="corp-new-admin-name" testid="corp-new-admin-name"/>
                <ErrorMessage error=error testid="corp-admin-add-error"/>
                {move || added.get().map(|n| view! {
                    <p class="notice" role="status" data-testid="corp-admin-added">{move || texts().added.replace("{name}", &n)}</p>
                })}
                <SubmitButton label=move || texts().add pending=busy.into() testid="corp-admin-add"/>
            </form>
        </div>
    }
}

#[component]
fn ConfirmRemove(
    removing: RwSignal<Option<CorpAdmin>>,
    version: RwSignal<u32>,
    error: RwSignal<Option<ClientError>>,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let busy = RwSignal::new(false);
    let title = move || {
        removing.with(|a| {
            a.as_ref().map(|a| {
                texts()
                    .remove_title
                    .replace("{name}", &a.name)
                    .replace("{id}", &a.admin_id)
            })
        })
    };
    let confirm = move |_| {
        let Some(admin) = removing.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(e) = api::corp::remove_admin(admin.user_id).await {
                error.set(Some(e));
            }
            version.update(|v| *v += 1);
            busy.set(false);
            removing.set(None);
        });
    };
    let dismiss = Callback::new(move |()| {
        if !busy.get_untracked() {
            removing.set(None);
        }
    });
    view! {
        <Dialog on_close=dismiss class="dialog" backdrop="dialog-backdrop" role="alertdialog"
            labelledby="corp-remove-title" testid="corp-admin-confirm">
            <h2 id="corp-remove-title">{title}</h2>
            <p>{move || texts().remove_body}</p>
            <div class="dialog-actions">
                <button type="button" class="btn ghost" data-testid="corp-admin-cancel" disabled=move || busy.get()
                    on:click=move |_| removing.set(None)>{move || common().cancel}</button>
                <button type="button" class="btn danger-solid" data-testid="corp-admin-confirm-ok" disabled=move || busy.get()
                    on:click=confirm>{move || texts().remove_confirm}</button>
            </div>
        </Dialog>
    }
}
