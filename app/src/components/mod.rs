pub mod dialog;
pub mod form;
pub mod icons;
pub mod keys;
pub mod providers;
pub mod resend;
pub mod shell;
