//! Artifact access: the only crate that speaks the registry protocol or reads image layouts
//! and archives.
//!
//! - [`image::open_image`] turns a [`assay_core::SourceSpec`] into an [`image::Image`]: one
//!   platform's manifest, config and layer descriptors, from a registry
//!   ([`registry::RegistryClient`]), an OCI layout directory or archive ([`layout`]), or a
//!   docker archive ([`docker_archive`]). Every blob is read through a
//!   [`blob::VerifyingReader`] that checks size and digest.
//! - [`flatten::flatten`] applies the layers in order (whiteouts, hardlinks, symlinks resolved
//!   inside the root) into a [`flatten::LayeredTree`], an [`assay_core::FileTree`] whose
//!   entries remember the layer they came from. Limits ([`flatten::Limits`]) bound expanded
//!   size and entry count.
//! - [`hostfs`] gives `dir:` and `file:` sources the same `FileTree` view.
//! - [`export`] writes any `FileTree` to a new directory or tar, never following a link it
//!   did not create and never writing outside the target.
//! - [`artifact`] pushes a single file to a registry as an OCI artifact (one layer, empty
//!   config, deterministic manifest) and pulls it back, verified, into place.
//! - [`store`] puts a registry repository ([`store::RegistryRepo`]) and an OCI layout directory
//!   ([`store::LayoutRepo`]) behind one [`store::Repository`] trait: verified manifests and
//!   blobs, referrers (API or tag schema), and [`store::copy_manifest`] between any two.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod archive;
pub mod artifact;
pub mod auth;
pub mod blob;
pub mod docker_archive;
pub mod error;
pub mod export;
pub mod flatten;
pub mod hostfs;
pub mod image;
pub mod layout;
pub mod manifest;
pub mod media;
pub mod registry;
pub mod store;

pub use error::ImageError;
pub use image::{Image, OpenOptions, open_image};
