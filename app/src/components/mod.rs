pub mod form;
pub mod icons;
pub mod resend;
pub mod shell;
