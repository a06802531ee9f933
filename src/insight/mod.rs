//! What operators ask of a replication rule and no SDK answers: will it work
//! ([`check`]), is it keeping up ([`lag`]), which objects are not at the
//! destination yet ([`diff`]), and how to change a rule OSS cannot edit
//! ([`replace`]). Each module decides from answers already read; the client
//! methods in `client_ops` do the reading.

pub mod check;
mod client_ops;
pub mod diff;
pub mod lag;
pub mod replace;

pub use client_ops::{DestinationAccess, DiffOptions, DiffResult, WaitOptions};
