//! The Web URL dialog: its state and rules ([`state`]), opening it and its requests from the
//! window (`actions`), its drawing (`ui`, with `cloudfront_fields` and `qr_view`) and the
//! expiry row and calendar drawn inside it (`expiry_row`, `calendar`); the Upload link tab's CORS check
//! (`upload_cors`); the link type and custom domain (`link_type`).
//! How long links may live, and the ways out of temporary credentials: `lifetime`.

pub(crate) mod actions;
pub(crate) mod calendar;
mod cloudfront_fields;
mod expiry_row;
mod lifetime;
mod link_type;
mod qr_view;
pub(crate) mod state;
pub(crate) mod ui;
pub(crate) mod upload_cors;
