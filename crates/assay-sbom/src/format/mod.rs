//! Wire formats. Each module owns one format; nothing outside it knows that format's JSON.

pub mod cyclonedx;
pub mod spdx;
