//! WordPress plugins from their main file's header comment, `wp-content/plugins/<slug>/*.php`
//! (WordPress Plugin Handbook, "Header Requirements"): `Plugin Name:`, `Version:`,
//! `Author:`, `Author URI:`, `Plugin URI:` and `License:` lines in the first 8 KiB (WordPress
//! reads no further, `get_file_data`).
//!
//! The purl spec has no WordPress type, so a plugin becomes
//! `pkg:generic/wordpress-plugin/<slug>@<version>` (`generic` is the spec's catch-all; the slug
//! is the plugin's directory, its wordpress.org identifier). The supplier is the `Author`,
//! else wordpress.org.

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};
use crate::model::{Location, Package, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "wordpress-plugins-cataloger";
/// How much of a file WordPress reads for its header.
const HEADER_BYTES: u64 = 8 * 1024;

/// The WordPress plugin cataloger.
#[derive(Debug, Clone, Copy)]
pub struct WordpressCataloger;

impl Cataloger for WordpressCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        let plugins = path
            .parent()
            .and_then(|d| d.parent())
            .is_some_and(|d| d.as_str().ends_with("wp-content/plugins"));
        plugins && path.file_name().ends_with(".php")
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let head = match tree.read_limited(&entry.path, HEADER_BYTES) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => {
                    out.warn(NAME, &entry.path, e.to_string());
                    continue;
                }
            };
            // Only a plugin's main file has a header; the others are simply not evidence.
            let Some(h) = Header::parse(&head) else {
                continue;
            };
            match h.package(entry) {
                Ok(p) => out.packages.push(p),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// The header fields read.
#[derive(Debug, Default)]
struct Header {
    name: String,
    version: String,
    author: Option<String>,
    author_uri: Option<String>,
    plugin_uri: Option<String>,
    license: Option<String>,
}

impl Header {
    fn parse(text: &str) -> Option<Self> {
        let mut h = Self::default();
        for line in text.lines() {
            let line = line.trim().trim_start_matches(['*', '#', '/']).trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim().trim_end_matches("*/").trim().to_owned();
            match key.trim() {
                "Plugin Name" => h.name = value,
                "Version" => h.version = value,
                "Author" => h.author = Some(value),
                "Author URI" => h.author_uri = Some(value),
                "Plugin URI" => h.plugin_uri = Some(value),
                "License" => h.license = Some(value),
                _ => {}
            }
        }
        (!h.name.is_empty()).then_some(h)
    }

    fn package(&self, entry: &TreeEntry) -> Result<Package, String> {
        let slug = entry
            .path
            .parent()
            .map(|d| d.file_name().to_owned())
            .unwrap_or_default();
        let purl = Purl::new(
            "generic",
            Some("wordpress-plugin"),
            &slug,
            Some(&self.version),
        )
        .map_err(|e| format!("{}: no valid package URL: {e}", self.name))?;
        let location = Location::new(&entry.path, entry.layer.as_ref());
        let mut p = Package::new(
            PackageKind::Other,
            &self.name,
            &self.version,
            purl,
            location,
            NAME,
        );
        p.license = self.license.as_deref().and_then(crate::license::normalize);
        p.supplier = Some(match self.author.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => Party::Organization {
                name: a.to_owned(),
                email: None,
            },
            None => Party::Organization {
                name: "wordpress.org".to_owned(),
                email: None,
            },
        });
        p.homepage = self
            .plugin_uri
            .clone()
            .or_else(|| self.author_uri.clone())
            .filter(|u| u.contains("://"));
        p.metadata.insert("slug".to_owned(), slug);
        Ok(p)
    }
}
