//! The OS release file (`/etc/os-release`, falling back to `/usr/lib/os-release`), per the
//! freedesktop `os-release(5)` format: `KEY=value` lines, values optionally quoted.

use assay_core::{FileTree, TreePath};

use crate::model::Distro;

/// Where os-release files live, in the order they are consulted.
pub const PATHS: [&str; 2] = ["etc/os-release", "usr/lib/os-release"];

/// Reads the distro from the tree, if it has an os-release file with an `ID`.
pub fn detect(tree: &dyn FileTree) -> Option<Distro> {
    PATHS.iter().find_map(|p| {
        let path = TreePath::new(p).ok()?;
        let bytes = tree.read_limited(&path, 64 * 1024).ok()?;
        parse(&String::from_utf8_lossy(&bytes))
    })
}

/// Parses os-release text.
pub fn parse(text: &str) -> Option<Distro> {
    let mut d = Distro {
        id: String::new(),
        version_id: None,
        codename: None,
        pretty_name: None,
    };
    for line in text.lines() {
        let Some((k, v)) = line.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').trim_matches('\'').to_owned();
        match k.trim() {
            "ID" => d.id = v,
            "VERSION_ID" => d.version_id = Some(v),
            "VERSION_CODENAME" => d.codename = Some(v),
            "PRETTY_NAME" => d.pretty_name = Some(v),
            _ => {}
        }
    }
    (!d.id.is_empty()).then_some(d)
}

/// The purl `distro` qualifier, e.g. `debian-12`.
pub fn purl_qualifier(d: &Distro) -> String {
    match &d.version_id {
        Some(v) => format!("{}-{v}", d.id),
        None => d.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_debian() {
        let d = super::parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n").unwrap();
        assert_eq!(d.id, "debian");
        assert_eq!(super::purl_qualifier(&d), "debian-12");
        assert_eq!(d.codename.as_deref(), Some("bookworm"));
        assert!(super::parse("").is_none());
    }
}
