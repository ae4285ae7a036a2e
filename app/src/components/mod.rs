pub mod dialog;
pub mod form;
pub mod icons;
pub mod providers;
pub mod resend;
pub mod shell;
