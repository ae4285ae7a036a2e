//! The one dialog every dialog is: the photo view, confirmations, the account menu. Focus moves
//! into it when it opens, Tab and Shift+Tab stay inside, Esc closes it, and focus goes back to
//! whatever opened it.

use std::cell::RefCell;

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// What Tab can reach inside a dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), video[controls], audio[controls], \
    [tabindex]:not([tabindex=\"-1\"])";

/// An open dialog: its id and what had focus before it opened.
struct Open {
    id: u64,
    opener: Option<HtmlElement>,
}

thread_local! {
    /// Open dialogs, innermost last: only that one answers keys (a delete confirmation over
    /// the photo view). Elements are not `Send`, so they stay here rather than in signals.
    static OPEN: RefCell<(u64, Vec<Open>)> = const { RefCell::new((0, Vec::new())) };
}

fn is_innermost(id: u64) -> bool {
    OPEN.with_borrow(|(_, open)| open.last().is_some_and(|o| o.id == id))
}

/// Visible, enabled controls inside `panel`, in document order.
fn focusables(panel: &Element) -> Vec<HtmlElement> {
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|el| el.offset_width() > 0 || el.offset_height() > 0)
        .collect()
}

/// The control marked `autofocus`, else the first one, else the panel itself.
fn focus_first(panel: &HtmlElement) {
    let marked = panel
        .query_selector("[autofocus]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
    let target = marked.or_else(|| focusables(panel).into_iter().next());
    let _ = target.as_ref().unwrap_or(panel).focus();
}

/// Tab from the last control goes to the first, Shift+Tab from the first to the last, and
/// focus that strayed outside (a control that vanished) comes back in.
fn keep_tab_inside(panel: &HtmlElement, ev: &KeyboardEvent) {
    let items = focusables(panel);
    let active = document().active_element();
    let is_active = |el: &Element| active.as_ref() == Some(el);
    let inside = active.as_ref().is_some_and(|a| panel.contains(Some(a)));
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        let _ = panel.focus();
        return;
    };
    let target = if !inside {
        Some(if ev.shift_key() { last } else { first })
    } else if ev.shift_key() && (is_active(first) || is_active(panel)) {
        Some(last)
    } else if !ev.shift_key() && is_active(last) {
        Some(first)
    } else {
        None
    };
    if let Some(target) = target {
        ev.prevent_default();
        let _ = target.focus();
    }
}

#[component]
pub fn Dialog(
    /// Esc, or a click on the backdrop; the owner decides (a running delete ignores it).
    on_close: Callback<()>,
    #[prop(into)] class: String,
    #[prop(into)] testid: String,
    /// `dialog`, `alertdialog` or `menu` (a menu is not modal).
    #[prop(default = "dialog")]
    role: &'static str,
    /// Class of a layer under the dialog; a click on it closes the dialog.
    #[prop(optional)]
    backdrop: Option<&'static str>,
    #[prop(optional, into)] label: Option<TextProp>,
    #[prop(optional)] labelledby: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<html::Div>::new();
    let opener = document()
        .active_element()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
    let id = OPEN.with_borrow_mut(|(next, open)| {
        *next += 1;
        open.push(Open { id: *next, opener });
        *next
    });
    on_cleanup(move || {
        let closed = OPEN.with_borrow_mut(|(_, open)| {
            let at = open.iter().position(|o| o.id == id)?;
            Some(open.remove(at))
        });
        if let Some(opener) = closed.and_then(|c| c.opener) {
            let _ = opener.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            focus_first(&panel);
        }
    });
    // On the window, not the panel: Esc and Tab must work even when focus was lost to the
    // page (a clicked control that then disappeared).
    let _keys = window_event_listener(ev::keydown, move |ev| {
        if !is_innermost(id) {
            return;
        }
        let Some(panel) = panel.get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                on_close.run(());
            }
            "Tab" => keep_tab_inside(&panel, &ev),
            _ => {}
        }
    });
    let modal = (role != "menu").then_some("true");
    view! {
        {backdrop.map(|class| view! { <div class=class on:click=move |_| on_close.run(())></div> })}
        <div node_ref=panel class=class role=role aria-modal=modal tabindex="-1" data-testid=testid
            aria-label=move || label.as_ref().map(TextProp::get) aria-labelledby=labelledby>
            {children()}
        </div>
    }
}
