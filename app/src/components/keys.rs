//! Page-wide keyboard shortcuts leave alone the keys of the control that has focus.

use wasm_bindgen::JsCast;

/// Whether a key press goes to a control with keys of its own — a text field, a list, a player
/// (→ seeks a video) — so a page-wide shortcut stays out of its way.
pub fn meant_for_a_control(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "VIDEO" | "AUDIO"
            )
        })
}
